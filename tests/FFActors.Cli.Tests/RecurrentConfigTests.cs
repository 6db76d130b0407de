using FFActors.Cli.Configuration;
using FFActors.Core.Layers;

namespace FFActors.Cli.Tests;

/// <summary>The recurrent kind's keys: the shipped sample binds to Hinton's schedule, its control is one switch, and
/// settings that cannot work are refused naming the key.</summary>
public class RecurrentConfigTests
{
    static readonly string Sample = Path.Combine(RepoPaths.Root, "samples", "mnist-recurrent.conf");

    static FFActors.Core.FFConfig Bind(params string[] sets) => new ConfigBinder(ConfigLoader.Load(Sample, sets)).Bind();

    [Fact]
    public void The_sample_is_hintons_schedule_and_its_control_is_one_switch()
    {
        var kind = Assert.IsType<RecurrentKind>(Bind().Model.LayerKind);
        Assert.Equal(new RecurrentOptions(Iterations: 8, Damping: 0.3, ScoreFrom: 3, ScoreTo: 5, TopDown: true), kind.Options);
        var control = Assert.IsType<RecurrentKind>(Bind("model.recurrent.top-down=false").Model.LayerKind);
        Assert.Equal(kind.Options with { TopDown = false }, control.Options);
    }

    [Theory]
    [InlineData("model.recurrent.score-to=9", "model.recurrent.score-to", "9, but there are only 8 iterations")]
    [InlineData("model.recurrent.score-from=6", "model.recurrent.score-from", "6: after score-to (5)")]
    [InlineData("model.peer-norm=0.03", "model.peer-norm", "no peer normalisation")]
    [InlineData("train.negatives=hard-label", "train.negatives", "reads a copy of FF layers")]
    [InlineData("eval.diagnostics.samples=10", "eval.diagnostics.samples", "read a copy of FF layers")]
    public void Settings_that_cannot_work_are_refused_naming_the_key(string set, string key, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => Bind(set));
        Assert.Equal(key, e.Key);
        Assert.Contains(problem, e.Message);
    }
}
