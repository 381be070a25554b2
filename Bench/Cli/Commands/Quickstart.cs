namespace HmmEcs.Cli.Commands;

/// <summary>The built-in scenario <c>hmmecs run</c> runs without a file (the shared <c>quickstart.json</c>).</summary>
internal static class Quickstart
{
    /// <summary>Name used when reporting errors in the embedded text.</summary>
    public const string FileName = "quickstart";

    /// <summary>The scenario JSON.</summary>
    public const string Json = """
// Migrate 4096 written pages to an unaddressable device, check them there,
// then read them from the CPU, which faults each one back to RAM.
{
  "name": "quickstart",
  "seed": 1,
  "devices": [ { "name": "gpu0", "pages": 8192 } ],
  "steps": [
    { "op": "process", "name": "p" },
    { "op": "mmap", "proc": "p", "vma": "buf", "pages": 4096, "kind": "anon" },
    { "op": "touch", "proc": "p", "vma": "buf", "access": "write", "salt": 7,
      "expect": { "faults.new": 4096 } },
    { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0",
      "expect": { "requested": 4096, "migrated": 4096, "tlbFlushes": 8 } },
    { "op": "verify", "proc": "p", "vma": "buf", "pattern": "seq", "salt": 7,
      "expect": { "mismatches": 0, "resident.gpu0": 4096 } },
    { "op": "stats", "expect": { "devices.gpu0.used": 4096, "ram.used": 0 } },
    { "op": "touch", "proc": "p", "vma": "buf", "access": "read",
      "expect": { "faults.device": 4096 } },
    { "op": "verify", "proc": "p", "vma": "buf", "pattern": "seq", "salt": 7,
      "expect": { "mismatches": 0, "resident.ram": 4096 } },
    { "op": "stats", "expect": { "devices.gpu0.used": 0, "ram.used": 4096 } },
    { "op": "check", "expect": { "violations": 0 } }
  ]
}
""";
}
