namespace HmmEcs.Tests.Hosting;

/// <summary>Scenario texts the hosting tests run.</summary>
internal static class HostingScenarios
{
    /// <summary>
    /// A large migrate (65,536 pages, every 64th pinned, some locked, some swapped), then a fork, a write touch
    /// of part of the child, a migrate back to RAM of an unaligned range, and a chunk-allocation device.
    /// </summary>
    public const string Large = """
    {
      "name": "hosted-large",
      "ram": { "pages": 200000 },
      "devices": [
        { "name": "gpu0", "pages": 70000 },
        { "name": "gpu1", "pages": 70000, "chunkPages": 64, "allocation": "chunk" }
      ],
      "steps": [
        { "op": "process", "name": "p" },
        { "op": "mmap", "proc": "p", "vma": "buf", "pages": 65536, "kind": "anon" },
        { "op": "touch", "proc": "p", "vma": "buf", "access": "write", "salt": 7 },
        { "op": "pin", "proc": "p", "vma": "buf", "every": 64 },
        { "op": "lock", "proc": "p", "vma": "buf", "first": 1000, "count": 3000, "every": 97 },
        { "op": "swapout", "proc": "p", "vma": "buf", "first": 20000, "count": 2000, "every": 3 },
        { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0" },
        { "op": "fork", "proc": "p", "child": "c" },
        { "op": "touch", "proc": "c", "vma": "buf", "first": 300, "count": 5000, "access": "write", "salt": 9 },
        { "op": "migrate", "proc": "p", "vma": "buf", "first": 1234, "count": 30001, "to": "ram" },
        { "op": "mmap", "proc": "p", "vma": "grp", "pages": 10000, "kind": "anon" },
        { "op": "touch", "proc": "p", "vma": "grp", "access": "write", "salt": 11 },
        { "op": "pin", "proc": "p", "vma": "grp", "first": 5, "count": 2000, "every": 300 },
        { "op": "migrate", "proc": "p", "vma": "grp", "first": 30, "count": 9950, "to": "gpu1" },
        { "op": "touch", "proc": "p", "vma": "grp", "first": 0, "count": 700, "access": "read" },
        { "op": "check", "expect": { "violations": 0 } }
      ]
    }
    """;

    /// <summary>A small scenario with a repeat, for stepping and events.</summary>
    public const string Small = """
    {
      "name": "hosted-small",
      "devices": [ { "name": "gpu0", "pages": 4096 } ],
      "steps": [
        { "op": "process", "name": "p" },
        { "op": "mmap", "proc": "p", "vma": "buf", "pages": 1024, "kind": "anon" },
        { "op": "touch", "proc": "p", "vma": "buf", "access": "write", "salt": 3 },
        { "op": "pin", "proc": "p", "vma": "buf", "every": 16 },
        { "op": "repeat", "times": 2, "steps": [
          { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0" },
          { "op": "touch", "proc": "p", "vma": "buf", "count": 100, "access": "write", "salt": 4 }
        ] },
        { "op": "verify", "proc": "p", "vma": "buf", "first": 100, "pattern": "seq", "salt": 3,
          "expect": { "mismatches": 0 } }
      ]
    }
    """;
}
