using System.Text.Json;
using FFActors.Cli.Commands;
using FFActors.Cli.Configuration;
using FFActors.Cli.Report;

namespace FFActors.Cli.Tests;

/// <summary><c>ffactors nca</c>: the automaton's rule trains through the layer actors, in both modes with the same weights.</summary>
public class NcaCommandTests
{
    static string Sample => Path.Combine(RepoPaths.Root, "samples", "nca-rings.conf");

    /// <summary>A small automaton (16×16, rings 0..4) and network, so the two runs take seconds.</summary>
    static string[] Small(string outDir, string name, string mode) =>
    [
        "nca.size=16", "nca.radius=4", "nca.steps=16", "nca.train-trajectories=2", "nca.test-trajectories=1",
        "model.layers=[127, 32, 32]", "train.epochs=3", "train.batch-size=25", "train.optimizer.lr=0.003", $"runtime.mode={mode}", $"run.out-dir={outDir}", $"run.name={name}",
    ];

    [Fact]
    public void Sequential_and_pipeline_runs_learn_the_same_rule_and_grow_the_same_pattern()
    {
        var outDir = TempFolder.New();
        var result = Path.Combine(outDir, "nca.json");
        Assert.Equal(ExitCode.Done, NcaCommand.Run(Sample, Small(outDir, "seq", "sequential")));
        Assert.Equal(ExitCode.Done, NcaCommand.Run(Sample, Small(outDir, "pipe", "pipeline"), result));

        foreach (var file in Directory.GetFiles(Path.Combine(outDir, "seq", "weights")))
            Assert.True(File.ReadAllBytes(file).SequenceEqual(File.ReadAllBytes(Path.Combine(outDir, "pipe", "weights", Path.GetFileName(file)))), $"{Path.GetFileName(file)} differs");
        var seq = File.ReadAllText(Path.Combine(outDir, "seq", "nca.json"));
        Assert.Equal(seq, File.ReadAllText(Path.Combine(outDir, "pipe", "nca.json")));

        var growth = JsonDocument.Parse(seq).RootElement;
        Assert.Equal(17, growth.GetProperty("learned").GetArrayLength());
        Assert.Equal(0, growth.GetProperty("teacher")[16].GetDouble()); // the teacher grows the target exactly
        Assert.True(growth.GetProperty("transition_accuracy").GetDouble() > 0.5);
        var png = File.ReadAllBytes(Path.Combine(outDir, "pipe", "nca-strip.png"));
        Assert.True(png.Length > 1000 && png[0] == 0x89 && png[1] == (byte)'P');

        var file0 = ResultFile.Read(result);
        var figures = file0.Rows[0].Seeds[0].Figures;
        Assert.Equal(growth.GetProperty("learned")[16].GetDouble(), figures["grown_error"]);
        Assert.Equal(growth.GetProperty("transition_accuracy").GetDouble(), figures["goodness_accuracy"]);
        Assert.StartsWith("FF-NCA rings 0..4 on 16x16", file0.Title);
    }

    [Theory]
    [InlineData("model.layers=[784, 32]", "model.layers: the automaton's perception has 127 inputs")]
    [InlineData("train.negatives=hinton-hybrid", "train.negatives: hinton-hybrid is label-free")]
    [InlineData("nca.size=10", "nca.size: 10 cells cannot hold rings of radius 8")]
    [InlineData("nca.radius=9", "nca.radius")]
    public void Settings_the_automaton_cannot_take_are_refused_in_one_line_naming_the_key(string set, string message)
    {
        // A label-free strategy's probe needs head epochs; with them, the automaton still refuses it.
        var e = Assert.Throws<ConfigException>(() => NcaCommand.Run(Sample, [set, "eval.head.epochs=1", $"run.out-dir={TempFolder.New()}"]));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
