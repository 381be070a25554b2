namespace HmmEcs.Bench.Cli;

/// <summary>The usage text of <c>hmmecs</c>.</summary>
internal static class HelpText
{
    public const string Usage = """
        hmmecs: simulates Linux HMM device-memory migration (hmm_vma_migrate, 2016)

        usage:
          hmmecs run [FILE] [--json OUT|-] [--engine ecs|reference] [--check]
              Runs a scenario file (SCENARIOS.md); without FILE, the built-in quickstart.
              --json OUT   also write the result JSON to OUT; '-' writes it to stdout
                           (the summary then goes to stderr)
              --engine E   ecs (default) or reference
              --check      run the invariant checker after every step
              exit codes: 0 every expectation held, 1 an expectation failed or an
              invariant broke, 2 the file or the command line is invalid
          hmmecs bench [BenchmarkDotNet options]
              Runs the benchmarks (--filter, --list, --job ...).
          hmmecs help
              Shows this text.
        """;
}
