set -eu
CSR_NAMES='web'
mkdir -p csr
for name in ${CSR_NAMES:-web}; do
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
    -subj "/CN=$name.example.com" -addext "subjectAltName=DNS:$name.example.com" -out "csr/$name.csr" 2>/dev/null
done
# A plan file committed as a link to the process's environment, and one that is a FIFO (reading
# it would block the apply for ever).
ln -s /proc/self/environ plan.json
mkfifo plan-fifo.json
