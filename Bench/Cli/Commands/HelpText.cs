namespace HmmEcs.Cli.Commands;

/// <summary>The usage text of <c>hmmecs</c>.</summary>
internal static class HelpText
{
    public const string Usage = """
        hmmecs: simulates Linux HMM device-memory migration (hmm_vma_migrate, 2016)

        usage:
          hmmecs run [FILE] [--json OUT|-] [--engine ecs|reference] [--profile P] [--check] [--report DIR]
                [--trace F]
              Runs a scenario file (docs/scenarios.md); without FILE, the built-in quickstart.
              --json OUT   also write the result JSON to OUT; '-' writes it to stdout
                           (the summary then goes to stderr)
              --engine E   ecs (default) or reference
              --profile P  v13, v13-as-posted or mainline, replacing the file's "profile"
                           (docs/model.md, "Profiles")
              --check      run the invariant checker after every step
              --report DIR write PNG charts of every migrate step and DIR/index.md (a table
                           of the migrate steps' numbers, then each step's charts)
              --trace F    write a Chrome trace-event JSON (Perfetto, chrome://tracing)
              exit codes: 0 every expectation held, 1 an expectation failed or an
              invariant broke, 2 the file or the command line is invalid
          hmmecs sweep FILE --set PATH=V1,V2,… [--set …] --out DIR [--jobs N] [--shard I/N] [--engine E]
                [--profile P] [--repeat N] [--warmup N] [--resume | --force] [--strict]
              Runs the cross product of the values (JSON paths into the scenario, e.g.
              devices[0].maxBatchPages=64,512  seed=1..8  steps[4].to=gpu0,ram) in parallel.
              Writes DIR/sweep.json (the manifest, first), DIR/runs/run-NNNNN.json as each run
              ends, then DIR/sweep.csv and DIR/sweep.parquet (one row per run and step that has
              counters: touch, pin…, migrate, verify, stats, mirror ops; column op).
              --shard I/N runs runs k with k mod N = I. Ctrl-C (SIGINT, SIGTERM) stops starting
              runs, writes the tables of the runs done and exits 130. --engine and --profile
              as for run.
              --resume     finish the sweep DIR holds: run only what is missing
              --force      DIR is used (another sweep, other files): replace its sweep files
              --strict     a missed expectation fails the sweep (else it is recorded)
              --repeat N   run and record every run N times (column repetition)
              --warmup N   unrecorded runs per worker before its first (default 1)
              exit codes: 0 all runs done (missed expectations recorded), 1 a run failed
              internally or broke an invariant (or missed with --strict), 2 bad command line,
              file or --out, 130 interrupted
          hmmecs merge DIR1 DIR2 … --out DIR [--force]
              Joins the shards of a sweep (tables in run order, run documents, manifest).
              exit codes: 0 merged, 1 a shard is incomplete or runs are missing (nothing
              written), 2 shards of different sweeps or not sweep directories
          hmmecs plot TABLE.csv|TABLE.parquet --x COL --y COL [--group COL] [--where COL=VALUE …]
                [--bars minmax|ci95|none] [--logx] [--logy] [--title T] --out F.png
              Plots y against x from a sweep table, one series per value of --group. Rows of
              a series with equal x are one point, their mean, with an error bar:
              --bars B     minmax (default, smallest to largest), ci95 (95% confidence
                           interval of the mean) or none
              --logx/--logy  log axes; a plotted value that is not above 0 is exit code 2
              --where C=V  keep only the rows whose column C reads V (e.g. step=4)
          hmmecs schema
              Prints the JSON Schema of scenario files (docs/scenario.schema.json) for editors.
          hmmecs completion bash|zsh
              Prints a shell function for tab completion: eval "$(hmmecs completion bash)".
          hmmecs help [COMMAND]
              Shows this text; with COMMAND, that command's options (as hmmecs COMMAND --help).

        The benchmark suite is its own program:
          dotnet run -c Release --project Bench/Benchmarks -- --filter '*Migrate*'
        """;
}
