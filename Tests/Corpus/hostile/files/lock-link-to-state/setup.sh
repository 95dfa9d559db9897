# The lock committed as a link to the state itself: a writer that followed it would truncate the state; the state still shows its record afterwards.
set -eu
mkdir -p csr
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=web.example.com" -addext "subjectAltName=DNS:web.example.com" -out csr/web.csr 2>/dev/null
ln -s orders.json state/orders.json.lock
