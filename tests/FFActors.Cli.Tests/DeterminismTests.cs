using System.Text.Json;
using FFActors.Cli.Commands;

namespace FFActors.Cli.Tests;

/// <summary>
/// The promise of the README as a user checks it: <c>ffactors train</c> with the default thread settings ends with the same
/// weight files, byte for byte, in sequential and pipeline mode, and so does a resume that finishes in the other mode.
/// Were the layers' intra-op thread count chosen per mode (all cores in sequential, max(1, cores / layers) in the
/// pipeline), the CwC-FF case would fail on two or more cores (oneDNN's convolutions sum in another order with another
/// thread count), and so would dense layers where oneMKL takes its Intel code paths. On one core the two rules agree.
/// </summary>
[Collection("real executable")]
public class DeterminismTests
{
    public static TheoryData<string, string[]> Models => new()
    {
        { "dense", ["model.layers=[784, 40, 40, 40]", "data.train-limit=1000"] },
        { "dense-bf16", ["model.layers=[784, 40, 40, 40]", "data.train-limit=1000", "model.kernel=blocked-bf16"] },
        {
            "cwc", ["model.kind=cwc", "model.cwc.channels=[20, 40]", "train.ilt.start=[0, 0]", "train.ilt.end=[2, 2]", "eval.score-layers=[1]",
                "eval.head.layers=[1]", "train.batch-size=64", "data.train-limit=320", "train.optimizer.lr=0.01"]
        },
    };

    static string[] Small(string outDir, string name, string[] model) =>
    [
        $"data.dir={RepoPaths.Data}", "train.epochs=2", "data.test-limit=200", "eval.head.epochs=0", "run.seed=7",
        $"run.out-dir={outDir}", $"run.name={name}", .. model,
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void Both_modes_and_a_resume_in_the_other_mode_end_with_the_same_weight_files_with_default_threads(string kind, string[] model)
    {
        var outDir = TempFolder.New();
        Assert.Equal(0, TrainCommand.Run(null, [.. Small(outDir, "seq", model), "runtime.mode=sequential"]));
        Assert.Equal(0, TrainCommand.Run(null, [.. Small(outDir, "pipe", model), "runtime.mode=pipeline"]));
        int layers = kind.StartsWith("dense", StringComparison.Ordinal) ? 3 : 2;
        var sequential = RunFiles.Weights(Path.Combine(outDir, "seq"));
        Assert.Equal(layers, sequential.Length);
        Assert.True(sequential.SequenceEqual(RunFiles.Weights(Path.Combine(outDir, "pipe")), ByteArrays), $"{kind}: sequential and pipeline weights differ");

        // The auto thread count is written into the run's config as resolved, so a resume computes with it.
        Assert.Contains($"threads-per-layer : {Math.Max(1, Environment.ProcessorCount / layers)}", File.ReadAllText(Path.Combine(outDir, "seq", "config.conf")));

        // The sequential run again from its epoch-1 checkpoint, its second epoch in pipeline mode.
        var seq = Path.Combine(outDir, "seq");
        Directory.Delete(Path.Combine(seq, "checkpoints", "e0002-b000000"), recursive: true);
        Directory.Delete(Path.Combine(seq, "weights"), recursive: true);
        Assert.Equal(0, TrainCommand.Resume(seq, null, ["runtime.mode=pipeline"]));
        Assert.Contains("e0001-b000000", File.ReadAllText(Path.Combine(seq, "run.log")));
        Assert.True(sequential.SequenceEqual(RunFiles.Weights(seq), ByteArrays), $"{kind}: the resumed run's weights differ");

        // The resumed run's training time counts the epoch its checkpoint had behind it.
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(seq, "results.json")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(seq, "metrics.json")));
        double epochs = metrics.RootElement.EnumerateArray().Sum(m => m.GetProperty("seconds").GetDouble());
        Assert.True(results.RootElement.GetProperty("train_seconds").GetDouble() >= epochs,
            $"{kind}: train_seconds {results.RootElement.GetProperty("train_seconds").GetDouble()} below the epochs' {epochs} s");
    }

    static readonly IEqualityComparer<byte[]> ByteArrays = EqualityComparer<byte[]>.Create((a, b) => a!.AsSpan().SequenceEqual(b), a => a.Length);
}
