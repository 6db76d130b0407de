using System.Diagnostics;
using Xunit;

namespace FFActors.Cluster.Tests;

/// <summary>
/// A coordinator process killed with SIGKILL in the middle of a TLS cluster run: the layer hosts stay up, stop its layers
/// and wait; <c>ffactors train --resume RUN --cluster</c>, started at once and given nothing else, joins with the run's
/// recorded cluster settings, waits until the dead coordinator is removed, and ends with the weights of the local run.
/// With a split-brain resolver that keeps the coordinator's side (keep-majority on its role) the hosts down themselves
/// and exit, and this test fails.
/// </summary>
public partial class ProcessSmokeTests
{
    [Fact]
    public void Layer_hosts_outlive_a_killed_coordinator_and_its_resume_ends_with_the_local_runs_weights()
    {
        var clock = Stopwatch.StartNew();
        var dir = TempFolder.New();
        var conf = Config(dir, epochs: 3);
        // One certificate without a password for the whole cluster: the resume needs no cluster key at all.
        var cert = Certificates.SelfSigned(dir, "cluster", "");
        string[] tls = ["--set", "cluster.tls.enabled=true", "--set", $"cluster.tls.certificate-path={cert}"];
        using (var local = FfactorsProcess.Start("train", "-c", conf, "--out", dir, "--set", "run.name=local"))
            Assert.Equal(0, Finish(local, TimeSpan.FromSeconds(120)));

        // The first host starts the cluster on a port of its own choosing and says which; the other joins it there.
        var hosts = new List<FfactorsProcess> { FfactorsProcess.Start(["node", "-c", conf, "--node-name", "a", "--port", "0", .. tls]) };
        try
        {
            string seed = AddressOf(hosts[0]);
            Assert.StartsWith("akka.ssl.tcp://", seed);
            hosts.Add(FfactorsProcess.Start(["node", "-c", conf, "--node-name", "b", "--port", "0", "--seed-nodes", seed, .. tls]));
            var run = Path.Combine(dir, "cluster");
            using (var coordinator = FfactorsProcess.Start(["train", "--cluster", "-c", conf, "--seed-nodes", seed, "--set", "cluster.min-layer-hosts=2",
                       "--out", dir, "--set", "run.name=cluster", .. tls]))
            {
                coordinator.WaitForLine(l => l.StartsWith("epoch 1:", StringComparison.Ordinal), TimeSpan.FromSeconds(120), "the first epoch");
                coordinator.Process.Kill(entireProcessTree: true); // SIGKILL: no goodbye to the cluster
                coordinator.Process.WaitForExit();
            }
            var recorded = File.ReadAllText(Path.Combine(run, "cluster.conf"));
            Assert.Contains(seed, recorded);
            Assert.DoesNotContain("certificate-password =", recorded);

            // At once: the dead coordinator is still a member, unreachable, until the resolver removes it.
            using var resume = FfactorsProcess.Start("train", "--resume", run, "--cluster");
            Assert.Equal(0, Finish(resume, TimeSpan.FromSeconds(120)));
            Assert.Contains(resume.Lines, l => l.Contains("resuming"));
            AssertSameWeightFiles(Path.Combine(dir, "local"), run);

            foreach (var h in hosts)
            {
                Assert.False(h.Process.HasExited, "a layer host exited:\n" + string.Join("\n", h.Lines));
                h.WaitForLine("is gone; stopped its", TimeSpan.FromSeconds(30));
            }
            Console.WriteLine($"coordinator loss and resume: {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            foreach (var h in hosts) h.Dispose();
        }
    }
}
