# The state committed as a FIFO: refused without being opened.
set -eu
mkdir -p csr
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=web.example.com" -addext "subjectAltName=DNS:web.example.com" -out csr/web.csr 2>/dev/null
mkfifo state/orders.json
