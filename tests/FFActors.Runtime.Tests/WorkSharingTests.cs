using FFActors.Core.Kernels;
using FFActors.Core.Layers;
using FFActors.Runtime.WorkSharing;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>Layer actors with idle threads run the busy layers' matmul chunks; the weights do not change by a bit.</summary>
public class WorkSharingTests(ITestOutputHelper output)
{
    [Fact]
    public void A_chunk_job_runs_every_chunk_exactly_once_across_threads()
    {
        var runs = new int[200];
        var job = new ChunkJob(runs.Length, i =>
        {
            Interlocked.Increment(ref runs[i]);
            Thread.SpinWait(2000);
        });
        var ran = new int[3];
        var helpers = Enumerable.Range(0, 2).Select(h => new Thread(() => ran[h + 1] = job.Help())).ToArray();
        foreach (var t in helpers) t.Start();
        ran[0] = job.Help();
        job.Wait();
        foreach (var t in helpers) t.Join();
        Assert.All(runs, r => Assert.Equal(1, r));
        Assert.Equal(runs.Length, ran.Sum());
        Assert.Equal(0, job.Help()); // nothing left to claim
    }

    [Fact]
    public void A_failing_chunk_stops_the_chunks_not_yet_started_and_reaches_the_owner()
    {
        int started = 0;
        var job = new ChunkJob(50, i =>
        {
            Interlocked.Increment(ref started);
            if (i == 3) throw new InvalidOperationException("chunk 3 failed");
        });
        // The chunks run on a helper thread; the owner only waits, and gets the helper's exception.
        var helper = new Thread(() => job.Help());
        helper.Start();
        helper.Join();
        var e = Assert.Throws<InvalidOperationException>(job.Wait);
        Assert.Equal("chunk 3 failed", e.Message);
        Assert.Equal(4, started); // chunks 4–49 were claimed and skipped
    }

    [Fact]
    public async Task Helpers_are_one_per_other_lane_and_none_when_lanes_outnumber_cores()
    {
        var sys = Akka.Actor.ActorSystem.Create("lanes-test");
        try
        {
            var a = sys.ActorOf(Akka.Actor.Props.Empty, "a");
            var b = sys.ActorOf(Akka.Actor.Props.Empty, "b");
            var c = sys.ActorOf(Akka.Actor.Props.Empty, "c");
            var group = new LaneGroup(cores: 2);
            group.Join("lane-0", a);
            group.Join("lane-1", b);
            group.Join("lane-1", c); // shares b's thread: b stands for the lane
            Assert.Equal([b], group.HelpersFor("lane-0"));
            Assert.Equal([a], group.HelpersFor("lane-1"));
            var d = sys.ActorOf(Akka.Actor.Props.Empty, "d");
            group.Join("lane-2", d); // three lanes on two cores
            Assert.Empty(group.HelpersFor("lane-0"));
            group.Leave(d);
            group.Leave(b);
            Assert.Equal([c], group.HelpersFor("lane-0"));
        }
        finally
        {
            await sys.Terminate();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Idle_layers_run_chunks_of_busy_ones_and_the_weights_stay_bitwise_the_same(int lanes)
    {
        // Layers wide enough and batches tall enough to be cut into several row blocks (GemmChunks).
        // A thread per layer shares only while the layers do not outnumber the cores (two here; CI has two).
        int[] layers = lanes == 0 ? [784, 256, 128] : [784, 256, 128, 128];
        var config = Mnist.Config(layers: layers, epochs: 2, batch: 200, train: 1200);
        using var data = Mnist.Load(config);
        var (reference, _) = RuntimeSupport.Reference(config, data);
        using var _ = reference;

        long helped = 0;
        foreach (bool sharing in new[] { true, false })
        {
            var runtime = RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false) with { WorkSharing = sharing, Lanes = lanes };
            var outcome = PipelineRunner.Run(config, runtime, data, null, false, null, CancellationToken.None, null);
            using var net = outcome.Result.Network;
            Assert.True(outcome.Result.Completed);
            Weights.AssertSame(reference, net, $"pipeline (lanes {lanes}, work sharing {sharing}) vs FFTrainer");
            long shared = outcome.Timings.Sum(t => t.ChunksShared);
            long ran = outcome.Timings.Sum(t => t.ChunksHelped);
            output.WriteLine($"lanes {lanes}, sharing {sharing}: chunks run for others per layer {string.Join(" ", outcome.Timings.Select(t => t.ChunksHelped))}");
            Assert.Equal(shared, ran);
            if (sharing) helped = ran;
            else Assert.Equal(0, ran);
        }
        if (Environment.ProcessorCount >= 2) Assert.True(helped > 0, "no layer ran another layer's chunks");
    }
}
