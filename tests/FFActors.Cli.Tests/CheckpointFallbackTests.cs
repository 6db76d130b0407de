using FFActors.Cli.Commands;

namespace FFActors.Cli.Tests;

/// <summary>
/// Damage to the newest checkpoint of a finished run, beyond what <see cref="FaultInjectionTests"/> covers: each is found
/// when the run resumes, the damaged checkpoint is moved aside (named in run.log, with the reason), and the epoch after
/// the older checkpoint is trained again to the weights the uninterrupted run wrote.
/// </summary>
[Collection("real executable")]
public class CheckpointFallbackTests
{
    const string Newest = "e0002-b000000", Older = "e0001-b000000";

    static string FinishedRun()
    {
        var outDir = TempFolder.New();
        Assert.Equal(0, TrainCommand.Run(null, [$"data.dir={RepoPaths.Data}", "model.layers=[784, 30, 30]", "train.epochs=2", "data.train-limit=1000",
            "data.test-limit=200", "eval.head.epochs=0", $"run.out-dir={outDir}", "run.name=r", "run.threads=1"]));
        return Path.Combine(outDir, "r");
    }

    static string File_(string run, string name) => Path.Combine(run, "checkpoints", Newest, name);

    public static TheoryData<string, string> Damages() => new()
    {
        { "truncated-layer", "layer1.bin has " },
        { "manifest-garbage", "manifest.sha256: not a checkpoint manifest" },
        { "interrupted-before-its-manifest", "incomplete (no manifest: its writing was interrupted" },
        { "manifest-deleted", "incomplete (no manifest: its writing was interrupted, or the manifest was deleted)" },
        { "layer-not-a-checkpoint", "layer0.bin is not a layer checkpoint" },
        { "latest-names-a-missing-checkpoint", "which does not exist" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_newest_checkpoint_is_set_aside_and_the_resume_ends_with_the_uninterrupted_weights(string damage, string reported)
    {
        var run = FinishedRun();
        var before = RunFiles.Weights(run);
        switch (damage)
        {
            case "truncated-layer":
                var bytes = File.ReadAllBytes(File_(run, "layer1.bin"));
                File.WriteAllBytes(File_(run, "layer1.bin"), bytes[..(bytes.Length - 100)]);
                break;
            case "manifest-garbage":
                File.WriteAllText(File_(run, "manifest.sha256"), "not a manifest\n");
                break;
            case "interrupted-before-its-manifest":
                // What a crash between a checkpoint's files and its manifest leaves: no manifest, latest still on the older one.
                File.Delete(File_(run, "manifest.sha256"));
                File.WriteAllText(Path.Combine(run, "checkpoints", "latest"), Older + "\n");
                break;
            case "manifest-deleted":
                // The committed checkpoint's manifest removed while the older ones keep theirs: not trusted unverified.
                File.Delete(File_(run, "manifest.sha256"));
                break;
            case "layer-not-a-checkpoint":
                // Replaced by another file and the manifest written for it: the checksums agree, the content is no layer.
                var garbage = new byte[4096];
                new Random(1).NextBytes(garbage);
                File.WriteAllBytes(File_(run, "layer0.bin"), garbage);
                var manifest = File.ReadAllLines(File_(run, "manifest.sha256"))
                    .Select(l => l.EndsWith("  layer0.bin", StringComparison.Ordinal)
                        ? $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(garbage))}  {garbage.Length}  layer0.bin" : l);
                File.WriteAllLines(File_(run, "manifest.sha256"), manifest);
                break;
            case "latest-names-a-missing-checkpoint":
                Directory.Move(Path.Combine(run, "checkpoints", Newest), Path.Combine(run, "checkpoints", "moved-away"));
                break;
        }
        foreach (var f in Directory.GetFiles(Path.Combine(run, "weights"))) File.Delete(f);

        Assert.Equal(0, TrainCommand.Resume(run, null, []));
        var log = File.ReadAllText(Path.Combine(run, "run.log"));
        Assert.Contains(reported, log);
        Assert.Contains($"checkpoint {Path.Combine(run, "checkpoints", Older)}", log);
        if (damage != "latest-names-a-missing-checkpoint")
        {
            Assert.Contains($"skipped checkpoint {Path.Combine(run, "checkpoints", Newest)}", log);
            Assert.True(Directory.Exists(Path.Combine(run, "checkpoints", Newest + ".damaged")), "the damaged checkpoint was not moved aside");
        }
        Assert.Equal(before, RunFiles.Weights(run));
    }
}
