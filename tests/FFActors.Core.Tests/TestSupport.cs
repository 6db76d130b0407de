using FFActors.Core.Data;
using FFActors.Core.Platform;
using static TorchSharp.torch;

// Torch-heavy tests share two cores; running them one at a time keeps timings predictable and
// makes the process-wide tensor counters meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace FFActors.Core.Tests;

/// <summary>Paths and small helpers shared by the tests.</summary>
static class TestSupport
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

    static readonly Lazy<string> repoRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FFActors.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} contains FFActors.sln");
    });

    /// <summary>The repository root (the folder holding FFActors.sln).</summary>
    public static string RepoRoot => repoRoot.Value;

    /// <summary>samples/data: one sub-folder per dataset with the four IDX files.</summary>
    public static string DataDir => Path.Combine(RepoRoot, "samples", "data");

    public static DataSplits LoadMnist(int trainLimit = 0, int testLimit = 0, int validation = 0,
        Normalization normalization = Normalization.MeanStd) =>
        DatasetLoader.Load(new DataOptions("mnist", DataDir, normalization, validation, trainLimit, testLimit), CPU);

    /// <summary>Same shape, dtype and every element bitwise-equal (torch.equal semantics).</summary>
    public static bool Same(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.Equals(b);

    public static float[] Floats(Tensor t) => t.contiguous().cpu().data<float>().ToArray();
    public static long[] Longs(Tensor t) => t.contiguous().cpu().data<long>().ToArray();

    /// <summary>log(1 + eˣ), computed in double for expected values.</summary>
    public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
}

/// <summary>A temporary folder deleted when the test ends.</summary>
sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ffactors-tests-" + Guid.NewGuid().ToString("N"));
    public TempDir() => Directory.CreateDirectory(Path);
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
