using System.Text.Json;
using FFActors.Cli.Commands;
using FFActors.Cli.Configuration;

namespace FFActors.Cli.Tests;

public class TrainCommandTests
{
    static string[] Small(string outDir, string name, long seed = 3) =>
    [
        $"data.dir={RepoPaths.Data}", "data.train-limit=2000", "data.test-limit=500", "data.validation=500",
        "model.layers=[784, 64, 64]", "train.epochs=2", "eval.head.epochs=1",
        $"run.out-dir={outDir}", $"run.name={name}", $"run.seed={seed}", "run.threads=1",
    ];

    [Fact]
    public void Train_writes_a_complete_run_folder()
    {
        var outDir = RepoPaths.TempDir();
        Assert.Equal(0, TrainCommand.Run(null, Small(outDir, "a")));
        var run = Path.Combine(outDir, "a");
        foreach (var f in new[] { "config.conf", "metrics.json", "metrics.csv", "results.json", "curves.png", "weights/layer0.pt", "weights/layer1.pt" })
            Assert.True(File.Exists(Path.Combine(run, f)), $"missing {f}");

        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "results.json")));
        var acc = results.RootElement.GetProperty("goodness_accuracy").GetDouble();
        Assert.InRange(acc, 0.0, 1.0);
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement;
        Assert.Equal(2, metrics.GetArrayLength());
        Assert.True(metrics[1].GetProperty("validation_accuracy").GetDouble() > 0.1);
        var csv = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("epoch,phase,seconds", csv[0]);
        // The resolved config is complete HOCON that reproduces the run.
        var resolved = ConfigLoader.Load(Path.Combine(run, "config.conf"), []);
        Assert.Equal(3, new ConfigBinder(resolved).Bind().Run.Seed);
        var png = File.ReadAllBytes(Path.Combine(run, "curves.png"));
        Assert.Equal(0x89, png[0]);
        Assert.Equal((byte)'P', png[1]);
    }

    [Fact]
    public void Same_seed_gives_identical_weight_files_and_another_seed_does_not()
    {
        var outDir = RepoPaths.TempDir();
        TrainCommand.Run(null, Small(outDir, "s1"));
        TrainCommand.Run(null, Small(outDir, "s2"));
        TrainCommand.Run(null, Small(outDir, "s3", seed: 4));
        byte[] W(string run) => File.ReadAllBytes(Path.Combine(outDir, run, "weights", "layer1.pt"));
        Assert.Equal(W("s1"), W("s2"));
        Assert.NotEqual(W("s1"), W("s3"));
    }

    [Fact]
    public void Existing_run_folder_is_not_overwritten()
    {
        var outDir = RepoPaths.TempDir();
        Directory.CreateDirectory(Path.Combine(outDir, "taken"));
        File.WriteAllText(Path.Combine(outDir, "taken", "keep.txt"), "x");
        var e = Assert.Throws<IOException>(() => TrainCommand.Run(null, Small(outDir, "taken")));
        Assert.Contains("taken", e.Message);
        Assert.Equal("x", File.ReadAllText(Path.Combine(outDir, "taken", "keep.txt")));
    }

    [Fact]
    public void Missing_data_fails_before_creating_a_run_folder()
    {
        var outDir = RepoPaths.TempDir();
        var args = Small(outDir, "nodata").Append("data.dir=/nonexistent-ffactors").ToArray();
        var e = Assert.Throws<DirectoryNotFoundException>(() => TrainCommand.Run(null, args));
        Assert.Contains("/nonexistent-ffactors", e.Message);
        Assert.False(Directory.Exists(Path.Combine(outDir, "nodata")));
    }
}
