using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using FFActors.Runtime.Actors;
using FFActors.Runtime.Actors.Coordinator;
using FFActors.Runtime.Checkpoints;
using FFActors.Runtime.Protocol;
using Xunit;
using static TorchSharp.torch;

namespace FFActors.Runtime.Tests;

/// <summary>No actor ever has more than W work items in flight to the next one.</summary>
public class CreditWindowTests() : TestKit(RuntimeConfig.Config)
{
    static LayerSpec Layer(int index, int input, int output) =>
        new DenseSpec(index, input, output, new OptimizerOptions(), null, InputNorm.L2, new Objective(GoodnessKind.Mean, 2.0, LossKind.Softplus));

    /// <summary>
    /// Returns once <paramref name="actor"/> and every actor under it have handled all that was sent to them before this
    /// call: each answers Identify in mailbox order, parents first (a parent forwards to its children before it answers).
    /// The probes run on the sender's thread (TestKit's calling-thread dispatcher), so whatever these actors sent before
    /// answering is already in the probes' queues: "no message" is then a fact, not a wait that a slow machine outlasts.
    /// </summary>
    void Settle(IActorRef actor)
    {
        var probe = CreateTestProbe();
        actor.Tell(new Identify(null), probe.Ref);
        probe.ExpectMsg<ActorIdentity>(TimeSpan.FromSeconds(60));
        if (actor is ActorRefWithCell cell)
            foreach (var child in cell.Children.ToList()) Settle(child);
    }

    static void AssertNothingFor(TestProbe probe, string what) => Assert.False(probe.HasMessages, $"{what} received a message it must not have");

    static TrainBatch Batch(string run, int gen, int b, int features = 20) =>
        new(new Stamp(run, gen, 0, b), randn(8, features).DetachFromDisposeScope(), randn(8, features).DetachFromDisposeScope(), null, null);

    [Fact]
    public void A_layer_forwards_at_most_W_batches_until_the_next_layer_returns_credit()
    {
        const int W = 2;
        var coordinator = CreateTestProbe();
        var downstream = CreateTestProbe();
        var upstream = CreateTestProbe();
        var settings = new LayerActorSettings("t", 1, Layer(0, 20, 10), 1, CPU, 1, W, 1,
            coordinator.Ref, downstream.Ref, null, false, null);
        var layer = Sys.ActorOf(LayerActor.Props(settings, RuntimeConfig.PinnedDispatcher));

        for (int b = 0; b < W + 3; b++) layer.Tell(Batch("t", 1, b), upstream.Ref);

        var forwarded = new List<TrainBatch>();
        Settle(layer);
        for (int i = 0; i < W; i++) forwarded.Add(downstream.ExpectMsg<TrainBatch>());
        AssertNothingFor(downstream, "the next layer, without credit,");
        Assert.Equal(Enumerable.Range(0, W), forwarded.Select(f => f.Stamp.Batch));
        // Only what was processed is credited upstream and reported.
        for (int i = 0; i < W; i++) Assert.Equal(i, upstream.ExpectMsg<Credit>().Stamp.Batch);
        AssertNothingFor(upstream, "upstream");
        for (int i = 0; i < W; i++) coordinator.ExpectMsg<LayerStepped>().Dispose();

        // Each credit from downstream lets exactly one more batch through, in order.
        for (int b = W; b < W + 3; b++)
        {
            layer.Tell(new Credit(forwarded[b - W].Stamp, 1), downstream.Ref);
            Settle(layer);
            var f = downstream.ExpectMsg<TrainBatch>();
            Assert.Equal(b, f.Stamp.Batch);
            forwarded.Add(f);
            AssertNothingFor(downstream, "the next layer, after one credit,");
            Assert.Equal(b, upstream.ExpectMsg<Credit>().Stamp.Batch);
            coordinator.ExpectMsg<LayerStepped>().Dispose();
        }
        foreach (var f in forwarded) f.Dispose();
    }

    [Fact]
    public void Messages_of_an_old_generation_are_dropped()
    {
        var coordinator = CreateTestProbe();
        var upstream = CreateTestProbe();
        var settings = new LayerActorSettings("t", 2, Layer(0, 20, 10), 1, CPU, 1, 2, 1, coordinator.Ref, null, null, false, null);
        var layer = Sys.ActorOf(LayerActor.Props(settings, RuntimeConfig.PinnedDispatcher));
        layer.Tell(Batch("t", 1, 0), upstream.Ref);
        Settle(layer);
        AssertNothingFor(upstream, "the sender of an old generation's batch");
        AssertNothingFor(coordinator, "the coordinator");
        layer.Tell(Batch("t", 2, 0), upstream.Ref);
        upstream.ExpectMsg<Credit>();
        coordinator.ExpectMsg<LayerStepped>().Dispose();
    }

    [Fact]
    public void The_coordinator_feeds_at_most_W_batches_to_the_first_layer()
    {
        const int W = 3;
        var config = Mnist.Config(layers: [784, 20, 10], epochs: 1, batch: 20, train: 200);
        using var data = Mnist.Load(config);
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var done = new TaskCompletionSource<RunOutcome>();
        var start = new RunSnapshot(0, 0, null, "", StateOf(config, SeedStreams.DataOrder), StateOf(config, SeedStreams.Negatives),
            new StatsSums(2), 0, [], null);
        var settings = new CoordinatorSettings("t", config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, W, checkpoints: false), data, CPU,
            null, start, NullObserver.Instance, null, RuntimeConfig.PinnedDispatcher, 1, 1, done, [],
            (_, _) => [first.Ref, second.Ref]);
        var coordinator = Sys.ActorOf(RunSupervisor.Props(settings, RuntimeConfig.PinnedDispatcher));

        var received = new List<TrainBatch>();
        for (int i = 0; i < W; i++) received.Add(first.ExpectMsg<TrainBatch>(TimeSpan.FromSeconds(60)));
        Settle(coordinator);
        AssertNothingFor(first, "the first layer, without credit,");
        Assert.Equal(Enumerable.Range(0, W), received.Select(r => r.Stamp.Batch));

        for (int i = 0; i < 4; i++)
        {
            coordinator.Tell(new Credit(received[i].Stamp, 0), first.Ref);
            Settle(coordinator);
            received.Add(first.ExpectMsg<TrainBatch>());
            AssertNothingFor(first, "the first layer, after one credit,");
        }
        Assert.Equal(Enumerable.Range(0, W + 4), received.Select(r => r.Stamp.Batch));
        Assert.All(received, r => Assert.Equal(20, r.Positive.shape[0]));
        foreach (var r in received) r.Dispose();
        Sys.Stop(coordinator);
    }

    static byte[] StateOf(FFActors.Core.FFConfig config, int stream)
    {
        using var g = new TorchSharp.torch.Generator((ulong)SeedStreams.Derive(config.Run.Seed, stream));
        using var s = g.get_state();
        return s.data<byte>().ToArray();
    }

    [Theory]
    [InlineData(ExecutionMode.Pipeline, 1)]
    [InlineData(ExecutionMode.Pipeline, 2)]
    [InlineData(ExecutionMode.Sequential, 2)]
    public void In_a_real_run_no_layer_queues_or_sends_more_than_W(ExecutionMode mode, int window)
    {
        var config = Mnist.Config(layers: [784, 50, 40, 30, 20], epochs: 1, batch: 20, train: 400, validation: 100, validate: true);
        using var data = Mnist.Load(config);
        var outcome = PipelineRunner.Run(config, RuntimeSupport.Runtime(mode, window, checkpoints: false), data, null, false, null, CancellationToken.None, null);
        outcome.Result.Network.Dispose();
        Assert.Equal(4, outcome.Timings.Count);
        foreach (var t in outcome.Timings)
        {
            Assert.InRange(t.MaxQueued, 1, window);
            Assert.InRange(t.MaxInFlight, t.Layer == 3 ? 0 : 1, window);
            Assert.True(t.Items >= 20, $"layer {t.Layer} processed {t.Items} items");
        }
        Assert.NotNull(outcome.Result.Metrics[0].ValidationAccuracy);
    }
}
