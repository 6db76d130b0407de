using FFActors.Cli.Configuration;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;

namespace FFActors.Cli.Tests;

public class ConfigTests
{
    static FFActors.Core.FFConfig Bind(string? file, params string[] sets) => new ConfigBinder(ConfigLoader.Load(file, sets)).Bind();

    static ConfigException Fails(string? file, params string[] sets) => Assert.Throws<ConfigException>(() => Bind(file, sets));

    [Fact]
    public void Reference_config_binds_to_the_documented_defaults()
    {
        var c = Bind(null);
        Assert.Equal([784, 1000, 1000, 1000], c.Model.Layers);
        Assert.Equal(Schedule.Simultaneous, c.Train.Schedule);
        Assert.Equal("mnist", c.Data.Dataset);
        Assert.Null(c.Model.Threshold); // width
        Assert.Null(c.Model.LabelValue); // batch max
        Assert.Null(c.Eval.ScoreLayers);
    }

    [Fact]
    public void The_rendered_config_of_a_run_reads_back_to_the_same_settings()
    {
        // Defaults include empty strings (run.name) and empty lists (train.ilt.start): both must survive config.conf.
        var loaded = ConfigLoader.Load(null, ["train.collaboration.scale=0.5"]);
        var file = Path.Combine(TempFolder.New(), "config.conf");
        File.WriteAllText(file, loaded.Render());
        var back = new ConfigBinder(ConfigLoader.Load(file, [])).Bind();
        var original = new ConfigBinder(loaded).Bind();
        Assert.Equal("", back.Run.Name);
        Assert.Equal(original.Run, back.Run);
        Assert.Equal(original.Train.Collaboration, back.Train.Collaboration);
        Assert.Equal(original.Model.Layers, back.Model.Layers);
    }

    [Fact]
    public void Set_overrides_values_lists_and_words()
    {
        var c = Bind(null, "model.layers=[784, 20, 30]", "model.threshold=2.5", "model.goodness=mean", "eval.score-layers=[0,1]", "train.optimizer.type=sgd");
        Assert.Equal([784, 20, 30], c.Model.Layers);
        Assert.Equal(2.5, c.Model.Threshold);
        Assert.Equal(GoodnessKind.Mean, c.Model.Goodness);
        Assert.Equal([0, 1], c.Eval.ScoreLayers!);
        Assert.Equal(OptimizerKind.Sgd, c.Train.OptimizerOrDefault.Kind);
        Assert.Equal("class-confusion", Bind(null, "train.negatives=class-confusion").Train.Negatives);
    }

    [Fact]
    public void File_values_override_reference_and_set_overrides_file()
    {
        var dir = TempFolder.New();
        var file = Path.Combine(dir, "run.conf");
        File.WriteAllText(file, "train { epochs = 7, batch-size = 50 }\nmodel.input-norm = l2\n");
        var c = Bind(file, "train.epochs=9");
        Assert.Equal(9, c.Train.Epochs);
        Assert.Equal(50, c.Train.BatchSize);
        Assert.Equal(InputNorm.L2, c.Model.InputNorm);
    }

    [Fact]
    public void Unknown_key_in_file_names_the_file_and_key_with_a_suggestion()
    {
        var dir = TempFolder.New();
        var file = Path.Combine(dir, "typo.conf");
        File.WriteAllText(file, "train { epocs = 3 }");
        var e = Fails(file);
        Assert.Contains(file, e.Message);
        Assert.Contains("train.epocs", e.Message);
        Assert.Contains("train.epochs", e.Message);
        Assert.Equal("train.epocs", e.Key);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("model.layerz=[1,2]", "model.layerz")]
    [InlineData("train.epochs=many", "train.epochs")]
    [InlineData("train.epochs=0", "train.epochs")]
    [InlineData("train.optimizer.lr=-1", "train.optimizer.lr")]
    [InlineData("model.layers=[784]", "model.layers")]
    [InlineData("model.layers=784", "model.layers")]
    [InlineData("model.threshold=high", "model.threshold")]
    [InlineData("model.loss=hinge", "model.loss")]
    [InlineData("data.dataset=cifar", "data.dataset")]
    [InlineData("train.negatives=adversarial-ish", "train.negatives")]
    [InlineData("train.model-view-refresh=0", "train.model-view-refresh")]
    [InlineData("train.negative-options.epsilon=big", "train.negative-options.epsilon")]
    [InlineData("eval.readout=goodness", "eval.readout")]
    [InlineData("run.device=tpu", "run.device")]
    [InlineData("eval.validate-each-epoch=maybe", "eval.validate-each-epoch")]
    [InlineData("train=5", "train")]
    [InlineData("noequals", "noequals")]
    [InlineData("model.kind=cnn", "model.kind")]
    [InlineData("train.collaboration.remedy=gated", "train.collaboration.remedy")]
    [InlineData("model.symba-alpha=0", "model.symba-alpha")]
    [InlineData("train.ilt.end=[1,2,3]", "train.ilt.end")]
    [InlineData("train.ilt.end=soon", "train.ilt.end")]
    [InlineData("train.ilt.start=[0,0,0]", "train.ilt")]
    public void Bad_values_name_the_key(string set, string key)
    {
        var e = Fails(null, set);
        Assert.Contains(key, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("train { epochs = }", "no value")]
    [InlineData("train.epochs = ", "no value")]
    [InlineData("train { epochs = 3", "never closed")]
    [InlineData("train { epochs = 3 }}", "unexpected '}'")]
    [InlineData("model.layers = [784, 10", "never closed")]
    [InlineData("train { epochs = lots }", "train.epochs: expected an integer, got 'lots'")]
    public void Malformed_files_are_reported_by_file_name(string text, string problem)
    {
        var dir = TempFolder.New();
        var file = Path.Combine(dir, "broken.conf");
        File.WriteAllText(file, text);
        var e = Fails(file);
        Assert.StartsWith(file + ":", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Missing_file_is_reported_by_name() => Assert.Contains("nope.conf", Fails("nope.conf").Message);

    [Fact]
    public void Bad_value_from_set_names_the_set() =>
        Assert.StartsWith("--set train.batch-size=-5: train.batch-size:", Fails(null, "train.batch-size=-5").Message);

    [Fact]
    public void Every_negative_strategy_binds_with_its_options()
    {
        foreach (var name in FFActors.Core.Negatives.NegativeStrategies.Names)
            Assert.Equal(name, Bind(null, $"train.negatives={name}").Train.Negatives);
        var c = Bind(null, "train.negatives=adversarial", "train.negative-options.epsilon=0.25", "train.negative-options.random-start=on",
            "train.model-view-refresh=4");
        Assert.Equal(0.25, c.Train.NegativeOptionsOrEmpty["epsilon"]);
        Assert.Equal(1, c.Train.NegativeOptionsOrEmpty["random-start"]);
        Assert.Equal(2, c.Train.NegativeOptionsOrEmpty.Count); // the rest stay `default`
        Assert.Equal(4, c.Train.ModelViewRefresh);
    }

    [Theory]
    [InlineData("train.negative-options.epsilon=0.3", "train.negative-options.epsilon", "train.negatives = wrong-label has no parameter epsilon")]
    [InlineData("train.negative-options.epsilon=-1", "train.negative-options", "train.negative-options: adversarial: epsilon must be > 0", "train.negatives=adversarial")]
    [InlineData("eval.readout=label", "eval.readout", "eval.readout: label, but train.negatives = hinton-hybrid is label-free", "train.negatives=hinton-hybrid")]
    [InlineData("eval.head.epochs=0", "eval.head.epochs", "eval.head.epochs: 0, but the linear probe is the only evaluation", "train.negatives=self-contrastive")]
    [InlineData("eval.head.epochs=0", "eval.head.epochs", "eval.head.epochs: 0, but the linear probe is the only evaluation", "eval.readout=probe")]
    public void Combinations_that_make_no_sense_are_one_line_errors_naming_the_key(string set, string key, string problem, string? with = null)
    {
        var e = with is null ? Fails(null, set) : Fails(null, with, set);
        Assert.StartsWith($"--set {set}: ", e.Message);
        Assert.Equal(key, e.Key);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("model.distance.scale=0", "model.distance.scale")]
    [InlineData("model.distance.margin=-1", "model.distance.margin")]
    public void Bad_distance_forward_values_name_the_key(string set, string key)
    {
        var e = Fails(null, "model.kind=distance", set);
        Assert.Contains(key, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Distance_forward_and_the_free_riding_remedy_bind()
    {
        var c = Bind(Path.Combine(RepoPaths.Root, "samples", "mnist-distance.conf"), "train.collaboration.remedy=depth-scaled");
        Assert.Equal(new DistanceKind(new DistanceOptions(10, 1.0, 1000.0)), c.Model.LayerKind);
        Assert.True(c.Model.LabelDriven);
        Assert.Equal(CollaborationRemedy.DepthScaled, c.Train.CollaborationOrDefault.Remedy);
        Assert.Null(Bind(null).Model.LayerKind);
        Assert.Equal(CollaborationRemedy.None, Bind(null).Train.CollaborationOrDefault.Remedy);
    }

    [Fact]
    public void Mono_forward_binds_from_its_sample_with_the_paper_s_unnormalised_inputs()
    {
        var c = Bind(Path.Combine(RepoPaths.Root, "samples", "mnist-mono-forward.conf"));
        Assert.Equal(new MonoForwardKind(new MonoForwardOptions(10)), c.Model.LayerKind);
        Assert.True(c.Model.LabelDriven);
        Assert.Equal(InputNorm.None, c.Model.InputNorm);
        Assert.Equal([2], c.Eval.ScoreLayers!);
    }

    [Fact]
    public void Dendritic_and_prospective_configs_bind_and_refuse_what_reads_dense_layers()
    {
        var d = Bind(Path.Combine(RepoPaths.Root, "samples", "mnist-dendritic.conf"));
        Assert.Equal(new DendriticKind(), d.Model.LayerKind);
        Assert.False(d.Model.LabelDriven);
        var p = Bind(Path.Combine(RepoPaths.Root, "samples", "mnist-prospective-seed.conf"), "model.prospective.energy=0.1");
        Assert.Equal(new ProspectiveKind(new ProspectiveOptions(ProspectiveFormulation.Seed, 0.5, 0.05, 0.01, 20, 0.2, 0.1)), p.Model.LayerKind);

        // The goodness diagnostics and model-driven negatives read copies of dense layers: one line naming the key.
        var diagnostics = Fails(null, "model.kind=dendritic");
        Assert.Equal("eval.diagnostics.samples", diagnostics.Key);
        Assert.Contains("model.kind = dendritic", diagnostics.Message);
        var negatives = Fails(null, "model.kind=prospective", "train.negatives=hard-label", "eval.diagnostics.samples=0");
        Assert.Equal("train.negatives", negatives.Key);
        Assert.DoesNotContain('\n', negatives.Message);
        Assert.Equal("model.prospective.energy", Fails(null, "model.kind=prospective", "model.prospective.energy=0.5").Key);
        Assert.Equal("model.prospective.rate", Fails(null, "model.kind=prospective", "model.prospective.rate=0").Key);
    }

    [Fact]
    public void Every_sample_config_is_valid()
    {
        var samples = Directory.GetFiles(Path.Combine(RepoPaths.Root, "samples"), "*.conf");
        Assert.NotEmpty(samples);
        foreach (var s in samples) Bind(s);
    }
}
