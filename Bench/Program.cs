namespace HmmEcs.Bench;

/// <summary>The <c>hmmecs</c> command.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        Console.WriteLine("hmmecs: HMM device-memory migration simulator");
        return 0;
    }
}
