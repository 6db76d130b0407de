using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Cluster.Tests;

/// <summary>A layer host leaves (or is downed) mid-run: its layer is re-created on a survivor from the last checkpoint and the run ends as an uninterrupted one.</summary>
public class NodeLossTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("leave")]
    [InlineData("down")]
    public void A_lost_layer_host_is_replaced_from_the_last_checkpoint_and_every_batch_is_trained(string how)
    {
        var config = Mnist.Config(epochs: 2, batch: 50, train: 400);
        using var data = Mnist.Load(config);
        var runtime = ClusterSupport.Runtime(every: 2);
        using var local = PipelineRunner.Train(config, runtime, data, null, false, null, CancellationToken.None).Network;

        long frame = FrameBudget.FrameFor(config, data.Train.Count);
        var hosts = ClusterSupport.StartHosts(frame, ("a", null), ("b", null), ("c", null));
        var built = new ConcurrentQueue<(int Generation, int Epoch, int Batch)>();
        int lost = 0;
        var hooks = new RuntimeHooks
        {
            OnBatchBuilt = b =>
            {
                built.Enqueue((b.Generation, b.Epoch, b.Batch));
                if (b.Epoch == 0 && b.Batch == 5 && Interlocked.Exchange(ref lost, 1) == 0)
                {
                    if (how == "leave") hosts[2].Terminate();
                    else Akka.Cluster.Cluster.Get(hosts[0]).Down(ClusterSystem.SelfAddress(hosts[2]));
                    // Hold the coordinator here (its thread) until the node is gone, so the loss lands mid-run.
                    Assert.True(hosts[2].WhenTerminated.Wait(TimeSpan.FromSeconds(30)));
                }
            },
        };
        try
        {
            var result = ClusterRunner.Train(config, runtime, data, TempFolder.New(), false, null, CancellationToken.None,
                ClusterSupport.CoordinatorOptions(hosts[0], 3), hooks: hooks, extra: ClusterSupport.Strict);
            using var net = result.Network;
            foreach (var line in result.Log) output.WriteLine(line);
            Assert.True(result.Completed);
            Assert.Contains(result.Log, l => l.Contains("layer host c is gone"));
            var restore = Assert.Single(result.Log, l => l.Contains("Restoring every layer from checkpoint"));
            Assert.Contains("batches completed", restore);
            // The generation that finished the run built exactly the batches from the restored checkpoint on, each once and
            // in order; the generation before it had built every batch up to that checkpoint. Nothing lost, nothing twice.
            var at = Regex.Match(restore, @"from checkpoint \S+ \(epoch (\d+), batch (\d+)\)");
            Assert.True(at.Success, restore);
            var from = (Epoch: int.Parse(at.Groups[1].Value) - 1, Batch: int.Parse(at.Groups[2].Value));
            int batches = (data.Train.Count + 49) / 50;
            var all = Enumerable.Range(0, 2).SelectMany(e => Enumerable.Range(0, batches).Select(b => (Epoch: e, Batch: b))).ToList();
            bool FromCheckpoint((int Epoch, int Batch) x) => x.Epoch > from.Epoch || (x.Epoch == from.Epoch && x.Batch >= from.Batch);
            var generations = built.Select(b => b.Generation).Distinct().Order().ToList();
            Assert.Equal(2, generations.Count);
            var final = built.Where(b => b.Generation == generations[1]).Select(b => (b.Epoch, b.Batch)).ToList();
            var before = built.Where(b => b.Generation == generations[0]).Select(b => (b.Epoch, b.Batch)).ToHashSet();
            Assert.Equal(all.Where(FromCheckpoint), final);
            Assert.All(all.Where(x => !FromCheckpoint(x)), x => Assert.Contains(x, before));
            Assert.True(from.Epoch > 0 || from.Batch > 0, $"restored from the initial state, not a checkpoint: {restore}");
            Assert.Equal(2, result.Metrics.Count);
            Weights.AssertSame(local, net, "after losing a node vs uninterrupted local run");
        }
        finally
        {
            ClusterSupport.StopAll(hosts);
        }
    }
}
