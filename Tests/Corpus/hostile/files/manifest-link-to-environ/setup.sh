# A manifest committed as a link to the job's environment: never read, so no secret in any excerpt.
set -eu
mkdir -p csr
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=web.example.com" -addext "subjectAltName=DNS:web.example.com" -out csr/web.csr 2>/dev/null
ln -s /proc/self/environ manifests/env.yaml
