# Manifests linked to files outside the repository (a sibling of the checkout, /etc/passwd through ../): neither is read.
set -eu
mkdir -p csr
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=web.example.com" -addext "subjectAltName=DNS:web.example.com" -out csr/web.csr 2>/dev/null
printf 'apiVersion: certform/v1\ncertificates:\n  leaked-outside: {}\n' > ../outside.yaml
ln -s ../../outside.yaml manifests/outside.yaml
ln -s ../../../../../../../../../../etc/passwd manifests/passwd.yml
