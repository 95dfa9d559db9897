# Directory links in the manifests tree that lead outside (a sibling, /, /proc/self) are not walked.
set -eu
mkdir -p csr
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=web.example.com" -addext "subjectAltName=DNS:web.example.com" -out csr/web.csr 2>/dev/null
mkdir -p ../elsewhere
printf 'apiVersion: certform/v1\ncertificates:\n  leaked-dir: {}\n' > ../elsewhere/x.yaml
ln -s ../../elsewhere manifests/team
ln -s / manifests/root
ln -s /proc/self manifests/proc
