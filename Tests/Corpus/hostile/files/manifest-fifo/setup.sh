# A FIFO as a manifest (and a link to it): opening it would block the job; it is never opened.
set -eu
mkdir -p csr
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=web.example.com" -addext "subjectAltName=DNS:web.example.com" -out csr/web.csr 2>/dev/null
mkfifo manifests/pipe.yaml
ln -s pipe.yaml manifests/pipe-link.yml
