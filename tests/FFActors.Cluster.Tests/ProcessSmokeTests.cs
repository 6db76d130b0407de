using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Cluster.Tests;

/// <summary>Real separate processes on 127.0.0.1: a coordinator and layer hosts started with the ffactors executable.</summary>
public partial class ProcessSmokeTests(ITestOutputHelper output)
{
    string Config(string dir, int epochs)
    {
        var file = Path.Combine(dir, "smoke.conf");
        File.WriteAllText(file, $$"""
            data { dir = "{{Path.Combine(RepoPaths.Root, "samples", "data").Replace("\\", "/")}}", train-limit = 600, test-limit = 200, validation = 0 }
            model { layers = [784, 64, 48, 32] }
            train { epochs = {{epochs}}, batch-size = 50, optimizer { lr = 0.01, schedule = linear } }
            eval { head { epochs = 0 } }
            runtime { threads-per-layer = 1, checkpoint-every = 3 }
            cluster {
              # The shipped heartbeat pause (10 s): a shorter one made members look unreachable on a loaded machine.
              stable-after = 2
              # The smoke model's activations are kilobytes: send them through the data plane too.
              data-plane { threshold = 1024 }
            }
            """);
        return file;
    }

    int Finish(FfactorsProcess node, TimeSpan timeout)
    {
        int code = node.WaitForExit(timeout);
        foreach (var line in node.Lines) output.WriteLine(line);
        return code;
    }

    /// <summary>The address a layer host started on port 0 says it listens on.</summary>
    static string AddressOf(FfactorsProcess host)
    {
        var line = host.WaitForLine(l => l.StartsWith("layer host ", StringComparison.Ordinal) && Regex.IsMatch(l, @" at akka(\.ssl)?\.tcp://"),
            TimeSpan.FromSeconds(60), "the host's address");
        return Regex.Match(line, @" at (akka(\.ssl)?\.tcp://ffactors@[^ ]+) \(").Groups[1].Value;
    }

    static void AssertSameWeightFiles(string expectedRun, string actualRun)
    {
        var expected = Directory.GetFiles(Path.Combine(expectedRun, "weights")).Order().ToArray();
        Assert.Equal(3, expected.Length);
        foreach (var f in expected)
            Assert.True(File.ReadAllBytes(f).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actualRun, "weights", Path.GetFileName(f)))),
                $"{Path.GetFileName(f)} differs from the local run's");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_coordinator_and_layer_host_processes_train_to_the_local_runs_weights(bool killOneHost)
    {
        var clock = Stopwatch.StartNew();
        var dir = TempFolder.New();
        int epochs = killOneHost ? 4 : 2;
        var conf = Config(dir, epochs);
        using (var local = FfactorsProcess.Start("train", "-c", conf, "--out", dir, "--set", "run.name=local"))
            Assert.Equal(0, Finish(local, TimeSpan.FromSeconds(120)));

        // The first host starts the cluster on a port of its own choosing and says which; the others join it there.
        var names = killOneHost ? new[] { "a", "b", "c" } : ["a", "b"];
        var hosts = new List<FfactorsProcess> { FfactorsProcess.Start("node", "-c", conf, "--node-name", names[0], "--port", "0") };
        try
        {
            string seed = AddressOf(hosts[0]);
            hosts.AddRange(names.Skip(1).Select(n => FfactorsProcess.Start("node", "-c", conf, "--node-name", n, "--port", "0", "--seed-nodes", seed)));
            using var coordinator = FfactorsProcess.Start("train", "--cluster", "-c", conf, "--seed-nodes", seed, "--set", $"cluster.min-layer-hosts={names.Length}",
                "--out", dir, "--set", "run.name=cluster");
            if (killOneHost)
            {
                // Crash (no goodbye) the host of layer 2 once the first epoch is done: the split-brain resolver downs it.
                coordinator.WaitForLine(l => l.StartsWith("epoch 1:", StringComparison.Ordinal), TimeSpan.FromSeconds(120), "the first epoch");
                hosts[2].Process.Kill(entireProcessTree: true);
            }
            Assert.Equal(0, Finish(coordinator, TimeSpan.FromSeconds(180)));
            Assert.Contains(coordinator.Lines, l => l.Contains("waiting for"));
            // (The console wraps long lines.)
            Assert.Matches(@"data plane 127\.0\.0\.1:\d+\s+for tensors of 1,024 bytes", string.Join(" ", coordinator.Lines));
            Assert.All(hosts.Take(2), h => Assert.Matches(@"data plane 127\.0\.0\.1:\d+\s+for tensors of 1,024 bytes", string.Join(" ", h.Lines)));
            if (killOneHost)
            {
                Assert.Contains(coordinator.Lines, l => l.Contains("layer host c is gone"));
                Assert.Contains(coordinator.Lines, l => l.Contains("Restoring every layer from checkpoint"));
            }
            AssertSameWeightFiles(Path.Combine(dir, "local"), Path.Combine(dir, "cluster"));
            if (!killOneHost)
            {
                // SIGTERM (kill, service managers) makes a layer host leave the cluster and exit cleanly.
                hosts[1].Signal("TERM");
                Assert.Equal(0, hosts[1].WaitForExit(TimeSpan.FromSeconds(60)));
                Assert.Contains(hosts[1].Lines, l => l.Contains("SIGTERM: layer host b: leaving the cluster"));
            }
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            foreach (var h in hosts) h.Dispose();
        }
    }
}
