# Usage: python3 cpu-twin.py FILE.json.pending OUT.json; then hmmecs run OUT.json --engine ecs|reference --check.
# Checks the CPU-side expectations of a pending file on engines that have no device mirror yet.
# Builds a CPU-only twin of each pending scenario: mirror ops replaced by their CPU-side effect
# (device-write -> touch write; device-read -> touch read where it faults pages in or back,
# else dropped; snapshot dropped; evict -> migrate to ram), mirror-only expect keys removed.
import json, re, sys, os
src = sys.argv[1]; out = sys.argv[2]
name = os.path.basename(src).split('.')[0]
text = open(src).read()
text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("//"))
text = re.sub(r"//[^\n\"]*\n", "\n", text)
doc = json.loads(text)
def fix(steps):
    res = []
    for s in steps:
        op = s["op"]
        if "expect" in s:
            s["expect"] = {k: v for k, v in s["expect"].items() if "mirrored" not in k}
        if op == "repeat":
            s["steps"] = fix(s["steps"]); res.append(s); continue
        if op == "snapshot":
            continue
        if op == "device-write":
            t = {k: s[k] for k in ("proc", "vma", "first", "count", "salt") if k in s}
            t["op"] = "touch"; t["access"] = "write"
            if s.get("expect", {}).get("error") == "EPERM":
                t["expect"] = {"error": "EFAULT"}
            res.append(t); continue
        if op == "device-read":
            if name in ("anon_read", "double_map", "anon_write_prot") and s["device"] == "gpu0":
                t = {k: s[k] for k in ("proc", "vma", "first", "count") if k in s}
                t["op"] = "touch"; t["access"] = "read"; res.append(t)
            continue
        if op == "evict":
            res.append({"op": "migrate", "proc": "p", "vma": "buf", "to": "ram", "expect": s.get("expect", {})}); continue
        res.append(s)
    return res
doc["steps"] = fix(doc["steps"])
json.dump(doc, open(out, "w"), indent=1)
