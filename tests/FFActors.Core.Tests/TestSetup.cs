using static TorchSharp.torch;

// Torch-heavy tests share two cores; running them one at a time keeps timings predictable and
// makes the process-wide tensor counters meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace FFActors.Core.Tests;

/// <summary>How Core's tests run torch, and expected values computed in double.</summary>
static class TestSetup
{
    /// <summary>
    /// One intra-op thread unless FFACTORS_TEST_THREADS says otherwise. On a small machine shared
    /// with other builds or test assemblies, libtorch's OpenMP pool oversubscribes the cores and the
    /// MNIST run went from ~18 s (1 thread) to ~150 s (2 threads) under load.
    /// </summary>
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void ConfigureTorch()
    {
        try
        {
            set_num_threads(int.TryParse(Environment.GetEnvironmentVariable("FFACTORS_TEST_THREADS"), out int n) && n > 0 ? n : 1);
        }
        catch (Exception)
        {
            // libtorch failed to load: leave the failure to the tests that use torch (and let the
            // torch-free ones, such as the readelf checks in PlatformTests, say why).
        }
    }

    /// <summary>log(1 + eˣ), computed in double for expected values.</summary>
    public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
}
