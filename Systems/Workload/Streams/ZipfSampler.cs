namespace HmmEcs.Systems.Workload.Streams;

/// <summary>
/// Zipf ranks <c>1..n</c> with exponent <c>s</c> by rejection-inversion (Hörmann and Derflinger, 1996): constant
/// expected time per draw and no table, so a 10M-page range costs nothing to set up. Every uniform it consumes
/// comes from <see cref="Mix.Draw"/> for the access and the attempt, so a draw is a pure function of the access.
/// </summary>
internal readonly struct ZipfSampler
{
    private readonly long _n;
    private readonly double _s;
    private readonly double _hIntegralX1;
    private readonly double _hIntegralN;
    private readonly double _sLimit;

    public ZipfSampler(long n, double s)
    {
        _n = n;
        _s = s;
        _hIntegralX1 = HIntegral(1.5) - 1.0;
        _hIntegralN = HIntegral(n + 0.5);
        _sLimit = 2.0 - HIntegralInverse(HIntegral(2.5) - H(2.0));
    }

    /// <summary>A rank in <c>[1, n]</c> for access <paramref name="j"/>.</summary>
    public long Sample(ulong seed, long j)
    {
        for (var attempt = 1UL; ; attempt++)
        {
            var u = _hIntegralN + Mix.Unit(Mix.Draw(seed, j, 16 + attempt)) * (_hIntegralX1 - _hIntegralN);
            var x = HIntegralInverse(u);
            var k = (long)(x + 0.5);
            k = k < 1 ? 1 : k > _n ? _n : k;
            if (k - x <= _sLimit || u >= HIntegral(k + 0.5) - H(k))
            {
                return k;
            }
        }
    }

    private double H(double x) => Math.Exp(-_s * Math.Log(x));

    private double HIntegral(double x)
    {
        var logX = Math.Log(x);
        return Helper2((1.0 - _s) * logX) * logX;
    }

    private double HIntegralInverse(double x)
    {
        var t = x * (1.0 - _s);
        if (t < -1.0)
        {
            // Rounding can push t just below -1, where log1p is undefined.
            t = -1.0;
        }
        return Math.Exp(Helper1(t) * x);
    }

    /// <summary><c>log(1 + x) / x</c>, by its series near 0 where the quotient loses precision.</summary>
    private static double Helper1(double x) => Math.Abs(x) > 1e-8 ? Math.Log(1.0 + x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));

    /// <summary><c>(exp(x) - 1) / x</c>, by its series near 0.</summary>
    private static double Helper2(double x) => Math.Abs(x) > 1e-8 ? (Math.Exp(x) - 1.0) / x : 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
}
