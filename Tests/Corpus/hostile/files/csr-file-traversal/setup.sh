# csr_file: ../../outside.csr, a valid CSR just outside the checkout: refused, not read.
set -eu
mkdir -p csr
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=web.example.com" -addext "subjectAltName=DNS:web.example.com" -out csr/web.csr 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=out.example.com" -addext "subjectAltName=DNS:out.example.com" -out ../outside.csr 2>/dev/null
