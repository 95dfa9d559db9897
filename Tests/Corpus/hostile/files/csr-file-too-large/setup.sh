# A csr_file over 64 KiB (a CSR padded with 70,000 newlines) is refused by its size, not read.
set -eu
mkdir -p csr
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=web.example.com" -addext "subjectAltName=DNS:web.example.com" -out csr/web.csr 2>/dev/null
cp csr/web.csr csr/big.csr
head -c 70000 /dev/zero | tr '\0' '\n' >> csr/big.csr
