using FFActors.Cli.Configuration.Schema;
using FFActors.Core.Data;
using FFActors.Core.Platform;

namespace FFActors.Cli.Configuration.Keys;

/// <summary><c>run { }</c>: seed, device, threads and where run folders go.</summary>
public static class RunKeys
{
    /// <summary>More intra-op threads than this only oversubscribes any machine FFActors targets (and
    /// 100 000 of them never finish starting).</summary>
    public const int MaxThreads = 256;

    public static readonly ConfigKey<long> Seed = Key.Long("run.seed", 1, long.MinValue, long.MaxValue, "every random stream (init, data order, negatives, head) derives from it");
    public static readonly ConfigKey<string> Device = Key.Word("run.device", "cpu", "cpu, or cuda with a build made with -p:TorchBackend=cuda", ["cpu", "cuda"]);
    public static readonly ConfigKey<int> Threads = Key.Int("run.threads", 0, 0, MaxThreads, "intra-op threads for tensor work; 0 = all cores");
    public static readonly ConfigKey<string> OutDir = Key.Text("run.out-dir", "runs", "run folders are created under this folder");
    public static readonly ConfigKey<string> Name = Key.Text("run.name", "", "run folder name; \"\" = <yyyyMMdd-HHmmss>-<dataset>-<schedule>");

    public static readonly ConfigKey<bool> ReleaseFreedMemory = Key.Bool("run.release-freed-memory", true,
        "after every epoch, return the native memory freed during it to the OS (glibc malloc_trim); lowers the peak resident set, not the results");

    public static IKeyGroup Group { get; } = new KeyGroup("run", [Seed, Device, Threads, OutDir, Name, ReleaseFreedMemory]);

    public static RunOptions Bind(ConfigReader r) => new(r.Get(Seed), r.Get(Device), r.Get(Threads), r.Get(OutDir), r.Get(Name), r.Get(ReleaseFreedMemory));
}

/// <summary><c>data { }</c>: the dataset, its normalisation, limits and augmentation.</summary>
public static class DataKeys
{
    /// <summary>Bigger than any dataset FFActors reads; a count above it is a typo.</summary>
    public const int MaxSamples = 10_000_000;

    public static readonly ConfigKey<string> Dataset = Key.Word("data.dataset", "mnist", "the dataset", DatasetInfo.All.Select(d => d.Name));
    public static readonly ConfigKey<string> Dir = Key.Text("data.dir", "samples/data", "folder with mnist/ and fashion-mnist/ IDX files (gz or raw)");
    public static readonly ConfigKey<Normalization> Normalization = Key.Choice("data.normalization", Core.Data.Normalization.MeanStd,
        "pixel scaling: 0..255, [0,1], dataset mean/std, or [-1,1]",
        ("none", Core.Data.Normalization.None), ("unit", Core.Data.Normalization.Unit), ("mean-std", Core.Data.Normalization.MeanStd), ("symmetric", Core.Data.Normalization.Symmetric));
    public static readonly ConfigKey<int> Validation = Key.Int("data.validation", 0, 0, MaxSamples, "training samples held out (from the end) for per-epoch validation");
    public static readonly ConfigKey<int> TrainLimit = Key.Int("data.train-limit", 0, 0, MaxSamples, "use only the first N training samples; 0 = all");
    public static readonly ConfigKey<int> TestLimit = Key.Int("data.test-limit", 0, 0, MaxSamples, "use only the first N test samples; 0 = all");
    public static readonly ConfigKey<int> Shift = Key.Int("data.augment.shift", 0, 0, 64, "move each training image by up to N pixels in each direction; 0 = off");
    public static readonly ConfigKey<bool> Flip = Key.Bool("data.augment.flip", false, "mirror each training image left-right with probability 1/2");
    public static readonly ConfigKey<double> Rotate = Key.Number("data.augment.rotate", 0, 0, 180, "rotate each training image by up to ±N degrees; 0 = off");
    public static readonly ConfigKey<double> Scale = Key.Number("data.augment.scale", 0, 0, 0.99, "zoom each training image by a factor in 1 ± N; 0 = off");

    public static IKeyGroup Group { get; } = new KeyGroup("data", [Dataset, Dir, Normalization, Validation, TrainLimit, TestLimit, Shift, Flip, Rotate, Scale]);

    public static DataOptions Bind(ConfigReader r) => new(
        Dataset: r.Get(Dataset),
        Dir: r.Get(Dir),
        Normalization: r.Get(Normalization),
        Validation: r.Get(Validation),
        TrainLimit: r.Get(TrainLimit),
        TestLimit: r.Get(TestLimit),
        Augment: new AugmentOptions(r.Get(Shift), r.Get(Flip), r.Get(Rotate), r.Get(Scale)));
}
