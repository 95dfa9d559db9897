set -eu
mkdir -p csr
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=web.example.com" -addext "subjectAltName=DNS:web.example.com" -out csr/web.csr 2>/dev/null
# The state directory, committed as a link to a directory outside the repository (beside it,
# in the test's temporary directory).
outside=$(cd .. && pwd)/outside
mkdir -p "$outside"
printf 'OUTSIDE-SECRET-LINE\n' > "$outside/orders.json"
ln -s "$outside" state
