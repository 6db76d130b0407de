using System.CommandLine;
using FFActors.Cli.Commands;
using FFActors.Cli.Configuration;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Serialization;

namespace FFActors.Cli.Tests;

/// <summary>Defaults of the runtime and cluster keys (each key's own binding: <see cref="KeyBindingTableTests"/>), the checks across keys, includes and command-line conflicts.</summary>
public class ConfigBindingTests
{
    static ConfigBinder Binder(string? file, params string[] sets) => new(ConfigLoader.Load(file, sets));

    static ConfigException Fails(Action bind) => Assert.Throws<ConfigException>(bind);

    [Fact]
    public void The_reference_binds_runtime_and_cluster_to_the_records_defaults()
    {
        Assert.Equal(new RuntimeOptions(), Binder(null).BindRuntime());
        var cluster = Binder(null).BindCluster();
        Assert.Equal(new ClusterOptions() with { SeedNodes = cluster.SeedNodes, LayerNodes = cluster.LayerNodes, Tls = cluster.Tls, DataPlane = cluster.DataPlane }, cluster);
        Assert.Empty(cluster.SeedNodes!);
        Assert.Empty(cluster.LayerNodes!);
        Assert.Equal(new FFActors.Runtime.Transport.DataPlaneOptions(), cluster.DataPlane);
        Assert.False(cluster.Tls!.Enabled);
    }

    [Theory]
    [InlineData("run.threads=100000", "run.threads", "100000 is out of range [0, 256]")]
    [InlineData("runtime.threads-per-layer=100000", "runtime.threads-per-layer", "100000 is out of range [0, 256]")]
    [InlineData("runtime.lanes=5000", "runtime.lanes", "5000 is out of range [0, 256]")]
    [InlineData("runtime.credit-window=0", "runtime.credit-window", "0 is out of range [1, 64]")]
    [InlineData("runtime.credit-window=1000", "runtime.credit-window", "1000 is out of range [1, 64]")]
    [InlineData("train.batch-size=20000000", "train.batch-size", "out of range [0, 10000000]")]
    [InlineData("eval.batch-size=0", "eval.batch-size", "0 is out of range [1, 1000000]")]
    [InlineData("eval.head.batch-size=2000000", "eval.head.batch-size", "out of range [1, 1000000]")]
    [InlineData("model.layers=[784, 10000000]", "model.layers", "entry 10000000")]
    [InlineData("cluster.min-layer-hosts=5000", "cluster.min-layer-hosts", "5000 is out of range [1, 1024]")]
    [InlineData("cluster.maximum-frame-size=3000000000", "cluster.maximum-frame-size", "3000000000 is out of range [0, 2147483647]")]
    [InlineData("cluster.port=70000", "cluster.port", "70000 is out of range [0, 65535]")]
    public void A_resource_key_out_of_its_range_is_one_line_naming_the_key_and_range(string set, string key, string problem)
    {
        var e = Fails(() =>
        {
            var b = Binder(null, set);
            b.Bind();
            b.BindRuntime();
            b.BindCluster();
        });
        Assert.Equal(key, e.Key);
        Assert.Equal($"--set {set}: {key}: ", e.Message[..($"--set {set}: {key}: ".Length)]);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Lanes_times_threads_per_lane_is_bounded_too()
    {
        var e = Fails(() => Binder(null, "model.layers=[784, 10, 10, 10, 10, 10, 10, 10, 10]", "runtime.threads-per-layer=200").BindRuntime());
        Assert.Equal("runtime.threads-per-layer", e.Key);
        Assert.Contains("8 lanes would start 1600 threads; at most 1024", e.Message);
        // Fewer lanes (or sequential mode, one lane) bring it back under the bound.
        Assert.Equal(200, Binder(null, "model.layers=[784, 10, 10, 10, 10, 10, 10, 10, 10]", "runtime.threads-per-layer=200", "runtime.lanes=4").BindRuntime().ThreadsPerLayer);
        Binder(null, "model.layers=[784, 10, 10, 10, 10, 10, 10, 10, 10]", "runtime.threads-per-layer=200", "runtime.mode=sequential").BindRuntime();
    }

    [Theory]
    [InlineData("eval.score-layers=[5]", "eval.score-layers", "layer 5 does not exist (the model has layers 0..2)")]
    [InlineData("eval.head.layers=[3]", "eval.head.layers", "layer 3 does not exist (the model has layers 0..2)")]
    [InlineData("train.collaboration.scale=0.5", "train.collaboration.scale", "not supported for model.kind = hff", "model.kind=hff")]
    [InlineData("eval.score-layers=[4]", "eval.score-layers", "layer 4 does not exist (the model has layers 0..3)", "model.kind=cwc")]
    public void Checks_across_keys_fail_at_bind_time_naming_the_key(string set, string key, string problem, string? with = null)
    {
        var e = Fails(() => Binder(null, [.. with is null ? [] : new[] { with }, set]).Bind());
        Assert.Equal(key, e.Key);
        Assert.StartsWith($"--set {set}: {key}: ", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Theory]
    [InlineData("cluster.placement=explicit", "cluster.layer-nodes", "explicit placement needs a node name per layer")]
    [InlineData("cluster.seed-nodes=[\"akka.tcp://other@h:1\"]", "cluster.seed-nodes", "is not akka.tcp://ffactors@HOST:PORT")]
    [InlineData("cluster.tls.enabled=on", "cluster.tls.certificate-path", "cluster.tls.enabled = true needs this node's .pfx file")]
    [InlineData("cluster.tls.certificate-path=/nonexistent/node.pfx", "cluster.tls.certificate-path", "'/nonexistent/node.pfx' not found", "cluster.tls.enabled=on")]
    [InlineData("cluster.seed-nodes=[\"akka.tcp://ffactors@h:1\"]", "cluster.seed-nodes", "is not akka.ssl.tcp://ffactors@HOST:PORT (cluster.tls.enabled = true)", "cluster.tls.enabled=on")]
    public void Cluster_checks_across_keys_name_the_key(string set, string key, string problem, string? with = null)
    {
        var e = Fails(() => Binder(null, [.. with is null ? [] : new[] { with }, set]).BindCluster());
        Assert.Equal(key, e.Key);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_score_layer_the_model_lacks_is_refused_before_any_run_folder_is_written()
    {
        var outDir = TempFolder.New();
        var e = Fails(() => TrainCommand.Run(null, [$"data.dir={RepoPaths.Data}", "model.layers=[784, 20, 20, 20]", "eval.score-layers=[5]",
            $"run.out-dir={outDir}", "run.name=never"]));
        Assert.Equal("eval.score-layers", e.Key);
        Assert.Empty(Directory.GetFileSystemEntries(outDir));
    }

    [Fact]
    public void Include_in_a_config_file_reads_the_file_beside_it()
    {
        var dir = TempFolder.New();
        File.WriteAllText(Path.Combine(dir, "base.conf"), "train { epochs = 4, batch-size = 50 }\n");
        File.WriteAllText(Path.Combine(dir, "run.conf"), "include \"base.conf\"\ntrain.epochs = 6\n");
        var c = Binder(Path.Combine(dir, "run.conf")).Bind();
        Assert.Equal(6, c.Train.Epochs);
        Assert.Equal(50, c.Train.BatchSize);
    }

    [Fact]
    public void A_bad_value_in_an_included_file_names_that_file()
    {
        var dir = TempFolder.New();
        File.WriteAllText(Path.Combine(dir, "base.conf"), "train { batch-size = -3 }\n");
        File.WriteAllText(Path.Combine(dir, "run.conf"), "include \"base.conf\"\n");
        var e = Fails(() => Binder(Path.Combine(dir, "run.conf")).Bind());
        Assert.Equal("train.batch-size", e.Key);
        Assert.StartsWith(Path.Combine(dir, "base.conf") + ": train.batch-size: ", e.Message);

        File.WriteAllText(Path.Combine(dir, "typo.conf"), "train { epocs = 3 }\n");
        File.WriteAllText(Path.Combine(dir, "run2.conf"), "include \"typo.conf\"\n");
        var unknown = Fails(() => ConfigLoader.Load(Path.Combine(dir, "run2.conf"), []));
        Assert.StartsWith(Path.Combine(dir, "typo.conf") + ": unknown key 'train.epocs'", unknown.Message);
    }

    [Theory]
    [InlineData("include \"missing.conf\"\n", "include \"missing.conf\": file not found (looked for ")]
    [InlineData("include \"run.conf\"\n", "include cycle (run.conf -> run.conf)")]
    public void A_broken_include_is_one_line_naming_the_file(string text, string problem)
    {
        var dir = TempFolder.New();
        var file = Path.Combine(dir, "run.conf");
        File.WriteAllText(file, text);
        var e = Fails(() => ConfigLoader.Load(file, []));
        Assert.StartsWith(file + ": ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    static int Invoke(Command command, params string[] args) =>
        command.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });

    [Theory]
    [InlineData("--seed", "7", "run.seed=3", "run.seed")]
    [InlineData("--mode", "sequential", "runtime.mode=pipeline", "runtime.mode")]
    [InlineData("--out", "/tmp/a", "run.out-dir=/tmp/b", "run.out-dir")]
    [InlineData("--port", "4053", "cluster.port=4054", "cluster.port")]
    public void A_shortcut_option_and_a_set_of_the_same_key_that_disagree_are_refused_naming_both(string option, string value, string set, string key)
    {
        var e = Fails(() => Invoke(TrainCommand.Create(), option, value, "--set", set));
        Assert.Equal(key, e.Key);
        Assert.Contains($"{option} {value}", e.Message);
        Assert.Contains($"--set {set}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_shortcut_and_a_set_that_agree_are_one_value()
    {
        Assert.Equal(["run.seed=7", "run.seed=7"], CommandLineOverrides.Merge(["run.seed=7"], [new Shortcut("--seed 7", "run.seed", "7")]));
        Assert.Equal(2, CommandLineOverrides.Merge(["cluster.seed-nodes=[ \"akka.tcp://ffactors@h:1\" ]"],
            [new Shortcut("--seed-nodes akka.tcp://ffactors@h:1", "cluster.seed-nodes", "[\"akka.tcp://ffactors@h:1\"]")]).Length);
        var e = Fails(() => Invoke(NodeCommand.Create(), "--node-name", "a", "--set", "cluster.node-name=b"));
        Assert.Equal("cluster.node-name", e.Key);
    }

    [Fact]
    public void Config_command_checks_and_prints_the_resolved_configuration()
    {
        var text = ConfigCommand.Resolved(null, ["train.epochs=3"]);
        Assert.Contains("epochs : 3", text);
        Assert.Equal("run.threads", Fails(() => ConfigCommand.Resolved(null, ["run.threads=100000"])).Key);
    }
}
