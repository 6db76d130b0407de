using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Cluster.Tests;

/// <summary>Real separate processes on 127.0.0.1: a coordinator and layer hosts started with the ffactors executable.</summary>
public partial class ProcessSmokeTests(ITestOutputHelper output)
{
    sealed class Node(Process process, ConcurrentQueue<string> lines) : IDisposable
    {
        public Process Process { get; } = process;
        public ConcurrentQueue<string> Lines { get; } = lines;

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.WaitForExit(10_000);
            Process.Dispose();
        }
    }

    static Node Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ffactors.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        var lines = new ConcurrentQueue<string>();
        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue("err: " + e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return new Node(p, lines);
    }

    static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    string Config(string dir, int epochs)
    {
        var file = Path.Combine(dir, "smoke.conf");
        File.WriteAllText(file, $$"""
            data { dir = "{{Path.Combine(TestSupport.RepoRoot, "samples", "data").Replace("\\", "/")}}", train-limit = 600, test-limit = 200, validation = 0 }
            model { layers = [784, 64, 48, 32] }
            train { epochs = {{epochs}}, batch-size = 50, optimizer { lr = 0.01, schedule = linear } }
            eval { head { epochs = 0 } }
            runtime { threads-per-layer = 1, checkpoint-every = 3 }
            cluster {
              heartbeat-pause = 3
              stable-after = 2
              # The smoke model's activations are kilobytes: send them through the data plane too.
              data-plane { threshold = 1024 }
            }
            """);
        return file;
    }

    static void WaitFor(Node node, string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!node.Lines.Any(l => l.Contains(text)))
        {
            if (node.Process.HasExited) throw new InvalidOperationException($"process exited ({node.Process.ExitCode}) before '{text}':\n{string.Join("\n", node.Lines)}");
            if (clock.Elapsed > timeout) throw new TimeoutException($"no '{text}' after {timeout}:\n{string.Join("\n", node.Lines)}");
            Thread.Sleep(100);
        }
    }

    int Finish(Node node, TimeSpan timeout)
    {
        Assert.True(node.Process.WaitForExit((int)timeout.TotalMilliseconds), "timed out:\n" + string.Join("\n", node.Lines));
        node.Process.WaitForExit();
        foreach (var line in node.Lines) output.WriteLine(line);
        return node.Process.ExitCode;
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
        var dir = TestSupport.TempDir();
        int epochs = killOneHost ? 4 : 2;
        var conf = Config(dir, epochs);
        int seedPort = FreePort();
        string seed = $"akka.tcp://ffactors@127.0.0.1:{seedPort}";
        using (var local = Start("train", "-c", conf, "--out", dir, "--set", "run.name=local"))
            Assert.Equal(0, Finish(local, TimeSpan.FromSeconds(60)));

        var names = killOneHost ? new[] { "a", "b", "c" } : ["a", "b"];
        var hosts = names.Select((n, i) => Start("node", "-c", conf, "--node-name", n, "--port", (i == 0 ? seedPort : 0).ToString(), "--seed-nodes", seed)).ToList();
        try
        {
            using var coordinator = Start("train", "--cluster", "-c", conf, "--seed-nodes", seed, "--set", $"cluster.min-layer-hosts={names.Length}",
                "--out", dir, "--set", "run.name=cluster");
            if (killOneHost)
            {
                // Crash (no goodbye) the host of layer 2 once the first epoch is done: the split-brain resolver downs it.
                WaitFor(coordinator, "epoch 1:", TimeSpan.FromSeconds(60));
                hosts[2].Process.Kill(entireProcessTree: true);
            }
            Assert.Equal(0, Finish(coordinator, TimeSpan.FromSeconds(90)));
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
                using (var kill = Process.Start("kill", ["-TERM", hosts[1].Process.Id.ToString()])) kill.WaitForExit();
                Assert.True(hosts[1].Process.WaitForExit(60_000), "layer host b did not exit within 60 s of SIGTERM:\n" + string.Join("\n", hosts[1].Lines));
                hosts[1].Process.WaitForExit();
                Assert.Equal(0, hosts[1].Process.ExitCode);
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
