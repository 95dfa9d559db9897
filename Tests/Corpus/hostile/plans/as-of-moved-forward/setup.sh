set -eu
CSR_NAMES='web'
mkdir -p csr
for name in ${CSR_NAMES:-web}; do
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
    -subj "/CN=$name.example.com" -addext "subjectAltName=DNS:$name.example.com" -out "csr/$name.csr" 2>/dev/null
done
"$CERTFORM_BIN" plan --out plan.json >/dev/null
python3 - <<'PY'
import json
plan = json.load(open("plan.json"))
plan["as_of"] = "2027-06-01T00:00:00Z"
json.dump(plan, open("plan.json", "w"), indent=2)
PY
