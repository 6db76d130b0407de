using FFActors.Cli.Configuration;
using FFActors.Cli.Configuration.Keys;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Serialization;

namespace FFActors.Cli.Tests;

/// <summary>
/// Every <c>runtime.*</c> and <c>cluster.*</c> key, taken from the key declarations (so a key added without a row here
/// fails): a value other than its default lands in its own field of the bound options and nowhere else, and every key
/// refuses a bad value with one line naming it.
/// </summary>
public class KeyBindingTableTests
{
    /// <summary>A value other than the default, what must be read back, and other settings the value needs (a TLS certificate).</summary>
    sealed record Row(string Value, Func<ConfigBinder, object?> Read, object Expected, params string[] With);

    static readonly string Certificate = CertificateFile();

    static string CertificateFile()
    {
        var path = Path.Combine(TempFolder.New(), "node.pfx");
        File.WriteAllText(path, "only its existence is checked while binding");
        return path;
    }

    static RuntimeOptions R(ConfigBinder b) => b.BindRuntime();

    static ClusterOptions C(ConfigBinder b) => b.BindCluster();

    static string Joined(IReadOnlyList<string>? list) => string.Join(",", list ?? []);

    static readonly Dictionary<string, Row> Rows = new()
    {
        ["runtime.mode"] = new("sequential", b => R(b).Mode, ExecutionMode.Sequential),
        ["runtime.credit-window"] = new("7", b => R(b).CreditWindow, 7),
        ["runtime.lanes"] = new("2", b => R(b).Lanes, 2),
        ["runtime.threads-per-layer"] = new("3", b => R(b).ThreadsPerLayer, 3),
        ["runtime.work-sharing"] = new("off", b => R(b).WorkSharing, false),
        ["runtime.checkpoint-every"] = new("50", b => R(b).CheckpointEvery, 50),
        ["runtime.checkpoints"] = new("false", b => R(b).Checkpoints, false),
        ["runtime.checkpoint-keep"] = new("5", b => R(b).CheckpointKeep, 5),
        ["runtime.stall-timeout"] = new("42.5", b => R(b).StallTimeout, 42.5),
        ["cluster.host"] = new("10.0.0.5", b => C(b).Host, "10.0.0.5"),
        ["cluster.port"] = new("4053", b => C(b).Port, 4053),
        ["cluster.seed-nodes"] = new("[\"akka.tcp://ffactors@10.0.0.1:4053\", \"akka.tcp://ffactors@10.0.0.2:4053\"]", b => Joined(C(b).SeedNodes),
            "akka.tcp://ffactors@10.0.0.1:4053,akka.tcp://ffactors@10.0.0.2:4053"),
        ["cluster.node-name"] = new("gpu-a", b => C(b).NodeName, "gpu-a"),
        ["cluster.min-layer-hosts"] = new("2", b => C(b).MinLayerHosts, 2),
        ["cluster.placement"] = new("round-robin", b => C(b).Placement, PlacementKind.RoundRobin),
        ["cluster.layer-nodes"] = new("[gpu-a, gpu-b]", b => Joined(C(b).LayerNodes), "gpu-a,gpu-b"),
        ["cluster.wire-precision"] = new("float16", b => C(b).Precision, WirePrecision.Float16),
        ["cluster.maximum-frame-size"] = new("1048576", b => C(b).MaximumFrameSize, 1048576L),
        ["cluster.join-timeout"] = new("30.5", b => C(b).JoinTimeoutSeconds, 30.5),
        ["cluster.heartbeat-pause"] = new("20", b => C(b).HeartbeatPause, 20.0),
        ["cluster.stable-after"] = new("7", b => C(b).StableAfter, 7.0),
        ["cluster.data-plane.enabled"] = new("off", b => C(b).DataPlane!.Enabled, false),
        ["cluster.data-plane.port"] = new("5000", b => C(b).DataPlane!.Port, 5000),
        ["cluster.data-plane.threshold"] = new("1024", b => C(b).DataPlane!.Threshold, 1024L),
        ["cluster.data-plane.expiry"] = new("90", b => C(b).DataPlane!.ExpirySeconds, 90.0),
        ["cluster.data-plane.fetch-timeout"] = new("15", b => C(b).DataPlane!.FetchTimeoutSeconds, 15.0),
        ["cluster.tls.enabled"] = new("on", b => C(b).Tls!.Enabled, true, $"cluster.tls.certificate-path={Certificate}"),
        ["cluster.tls.certificate-path"] = new(Certificate, b => C(b).Tls!.CertificatePath, Certificate),
        ["cluster.tls.certificate-password"] = new("secret", b => C(b).Tls!.CertificatePassword, "secret"),
        ["cluster.tls.trusted-thumbprints"] = new("[AB12, CD34]", b => Joined(C(b).Tls!.TrustedThumbprints), "AB12,CD34"),
    };

    public static TheoryData<string> RuntimeAndClusterKeys() => [.. RuntimeKeys.Group.Keys.Concat(ClusterKeys.Group.Keys).Select(k => k.Path)];

    static ConfigBinder Binder(params string[] sets) => new(ConfigLoader.Load(null, sets));

    [Theory]
    [MemberData(nameof(RuntimeAndClusterKeys))]
    public void A_key_set_to_another_value_lands_in_its_own_option_and_nowhere_else(string key)
    {
        Assert.True(Rows.TryGetValue(key, out var row), $"{key} is declared but has no row in this table");
        var defaults = Binder(row.With);
        var set = Binder([.. row.With, $"{key}={row.Value}"]);
        Assert.Equal(row.Expected, row.Read(set));
        Assert.NotEqual(row.Expected, row.Read(defaults));
        // Every other key still reads as without this setting.
        foreach (var (other, otherRow) in Rows.Where(r => r.Key != key && !row.With.Any(w => w.StartsWith(r.Key + "=", StringComparison.Ordinal))))
            Assert.True(Equals(otherRow.Read(defaults), otherRow.Read(set)), $"--set {key}={row.Value} changed {other}");
        // What the runtime checks again agrees with what binding accepted.
        if (key.StartsWith("cluster.", StringComparison.Ordinal)) C(set).Validate();
    }

    [Fact]
    public void The_table_has_no_row_for_a_key_that_is_not_declared()
    {
        var declared = RuntimeKeys.Group.Keys.Concat(ClusterKeys.Group.Keys).Select(k => k.Path).ToHashSet();
        Assert.DoesNotContain(Rows.Keys, k => !declared.Contains(k));
    }

    /// <summary>The refusals themselves are checked for every declared key by <see cref="ConfigSchemaTests"/>; here, that none of these keys has none.</summary>
    [Theory]
    [MemberData(nameof(RuntimeAndClusterKeys))]
    public void Every_key_has_a_value_it_refuses(string key) =>
        Assert.NotEmpty(RuntimeKeys.Group.Keys.Concat(ClusterKeys.Group.Keys).Single(k => k.Path == key).Refused);
}
