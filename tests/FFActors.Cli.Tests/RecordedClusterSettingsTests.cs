using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FFActors.Cli.Configuration;
using FFActors.Runtime.Cluster;

namespace FFActors.Cli.Tests;

/// <summary>
/// A cluster run's settings in its run folder (issue 30, item 5): a <c>--resume --cluster</c> of a TLS run joins with them
/// and needs no <c>cluster.*</c> key again, except the certificate password, which is never written and, when the
/// certificate has one, is asked for in one line.
/// </summary>
public class RecordedClusterSettingsTests
{
    static string Pfx(string dir, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=ffactors-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(dir, "node.pfx");
        File.WriteAllBytes(path, cert.Export(X509ContentType.Pfx, password));
        return path;
    }

    const string Seed = "akka.ssl.tcp://ffactors@127.0.0.1:4053";

    static string RunWithRecordedTls(string password, out string pfx)
    {
        var run = TempFolder.New();
        pfx = Pfx(run, password);
        var started = ConfigLoader.Load(null, [$"cluster.seed-nodes=[\"{Seed}\"]", "cluster.tls.enabled=true", $"cluster.tls.certificate-path={pfx}",
            $"cluster.tls.certificate-password={password}", "cluster.heartbeat-pause=3", "cluster.placement=round-robin", "cluster.min-layer-hosts=2"]);
        File.WriteAllText(Path.Combine(run, RecordedClusterSettings.FileName), RecordedClusterSettings.Render(started));
        return run;
    }

    [Fact]
    public void A_resume_joins_with_the_recorded_settings_and_what_its_command_line_gives_wins()
    {
        var run = RunWithRecordedTls("", out var pfx);
        Assert.DoesNotContain("certificate-password =", File.ReadAllText(Path.Combine(run, RecordedClusterSettings.FileName)));

        var resumed = new ConfigBinder(RecordedClusterSettings.Apply(ConfigLoader.Load(null, ["cluster.min-layer-hosts=3"]), run)).BindCluster();
        Assert.Equal([Seed], resumed.SeedNodes);
        Assert.True(resumed.Tls!.Enabled);
        Assert.Equal(pfx, resumed.Tls.CertificatePath);
        Assert.Equal(3, resumed.HeartbeatPause);
        Assert.Equal(PlacementKind.RoundRobin, resumed.Placement);
        Assert.Equal(3, resumed.MinLayerHosts); // the resume's own --set wins
    }

    [Fact]
    public void A_certificate_with_a_password_asks_for_it_in_one_line_naming_the_key()
    {
        var run = RunWithRecordedTls("secret", out var pfx);
        var e = Assert.Throws<ConfigException>(() => RecordedClusterSettings.Apply(ConfigLoader.Load(null, []), run));
        Assert.Equal("cluster.tls.certificate-password", e.Key);
        Assert.Contains(pfx, e.Message);
        Assert.Contains("--set cluster.tls.certificate-password=", e.Message);
        Assert.DoesNotContain("\n", e.Message);

        var resumed = new ConfigBinder(RecordedClusterSettings.Apply(ConfigLoader.Load(null, ["cluster.tls.certificate-password=secret"]), run)).BindCluster();
        Assert.Equal("secret", resumed.Tls!.CertificatePassword);
        Assert.Equal([Seed], resumed.SeedNodes);
    }

    [Fact]
    public void A_run_started_without_cluster_settings_resumes_with_the_defaults()
    {
        var run = TempFolder.New();
        var loaded = ConfigLoader.Load(null, []);
        Assert.Same(loaded, RecordedClusterSettings.Apply(loaded, run));
    }

    [Fact]
    public void A_tls_seed_address_without_tls_says_which_key_is_off()
    {
        var e = Assert.Throws<ConfigException>(() => new ConfigBinder(ConfigLoader.Load(null, [$"cluster.seed-nodes=[\"{Seed}\"]"])).BindCluster());
        Assert.Equal("cluster.seed-nodes", e.Key);
        Assert.Contains("cluster.tls.enabled = false", e.Message);
    }
}
