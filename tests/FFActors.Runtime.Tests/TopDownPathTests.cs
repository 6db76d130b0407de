using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using FFActors.Runtime.Actors;
using FFActors.Runtime.Protocol;
using Xunit;
using static TorchSharp.torch;

namespace FFActors.Runtime.Tests;

/// <summary>
/// The top-down path seen from one layer actor between two probes: the states of a recurrent layer's iterations go up
/// and down with a credit window of W = 1 in each direction, an iteration waits for both neighbours' states of the
/// iteration before, and each neighbour's state is credited once it has been used.
/// </summary>
public class TopDownPathTests() : TestKit(RuntimeConfig.Config)
{
    const int Batch = 8;
    const string Run = "t";

    /// <summary>The middle layer of a 3-layer recurrent network [20, 6, 5, 4] with 3 classes and 2 iterations.</summary>
    static LayerSpec Middle() => FFNetwork.SpecsFor(
        new ModelOptions([20, 6, 5, 4], InputNorm.Rms, LayerKind: new RecurrentKind(new RecurrentOptions(Iterations: 2, ScoreFrom: 1, ScoreTo: 2, Classes: 3))),
        new OptimizerOptions())[1];

    void Settle(IActorRef actor)
    {
        var probe = CreateTestProbe();
        actor.Tell(new Identify(null), probe.Ref);
        probe.ExpectMsg<ActorIdentity>(TimeSpan.FromSeconds(60));
    }

    static void AssertNothing(TestProbe probe, string what) => Assert.False(probe.HasMessages, $"{what} received a message it must not have");

    static Tensor Rows(int width) => rand(Batch, width).DetachFromDisposeScope();

    static Stamp At(int batch) => new(Run, 1, 0, batch);

    /// <summary>What the layer above sends down after <paramref name="iteration"/>: its 4 units for positives and negatives.</summary>
    static NeighbourState FromAbove(int batch, int iteration) => new(At(batch), NeighbourState.Training, iteration, 2, Rows(4), Rows(4));

    /// <summary>What the layer below sends up after <paramref name="iteration"/>: its context and 6 units.</summary>
    static NeighbourState FromBelow(int batch, int iteration) => new(At(batch), NeighbourState.Training, iteration, 0, Rows(9), Rows(9));

    [Fact]
    public void With_W_1_each_direction_holds_one_state_until_its_credit_and_the_iterations_follow_the_neighbours()
    {
        var coordinator = CreateTestProbe();
        var below = CreateTestProbe();
        var above = CreateTestProbe();
        var settings = new LayerActorSettings(Run, 1, Middle(), 1, CPU, 1, 1, 1, coordinator.Ref, above.Ref, null, false, null);
        var layer = Sys.ActorOf(LayerActor.Props(settings, RuntimeConfig.PinnedDispatcher));

        // Iteration 0, the bottom-up pass: the batch goes up as the work item, the layer's top-down activity goes down.
        layer.Tell(new TrainBatch(At(0), Rows(9), Rows(9)), below.Ref);
        Settle(layer);
        using (var up = above.ExpectMsg<TrainBatch>()) Assert.Equal([Batch, 8L], up.Positive.shape);
        using (var down = below.ExpectMsg<NeighbourState>())
        {
            Assert.Equal((0, 1, NeighbourState.Training), (down.Iteration, down.Layer, down.Pass));
            Assert.Equal([Batch, 5L], down.Positive.shape);
        }
        // Iteration 1 needs the layer above's state of iteration 0: until then nothing moves, not even a credit.
        AssertNothing(below, "the layer below");
        AssertNothing(above, "the layer above");
        AssertNothing(coordinator, "the coordinator");

        layer.Tell(FromAbove(0, 0), above.Ref);
        Settle(layer);
        // Both inputs of iteration 0 are used: each neighbour gets its credit ...
        Assert.Equal(1, below.ExpectMsg<Credit>().Layer);
        Assert.Equal(1, above.ExpectMsg<Credit>().Layer);
        // ... but iteration 1's states wait: the batch (up) and iteration 0's state (down) hold the only slot of each window.
        AssertNothing(above, "the layer above, without credit,");
        AssertNothing(below, "the layer below, without credit,");

        // A credit from above (layer 2 > 1: the bottom-up window) frees the state going up, and only that one.
        layer.Tell(new Credit(At(0), 2), above.Ref);
        Settle(layer);
        using (var up = above.ExpectMsg<NeighbourState>()) Assert.Equal((1, 1), (up.Iteration, up.Layer));
        AssertNothing(below, "the layer below, without a top-down credit,");
        // A credit from below (layer 0 < 1: the top-down window) frees the state going down.
        layer.Tell(new Credit(At(0), 0), below.Ref);
        Settle(layer);
        using (var down = below.ExpectMsg<NeighbourState>()) Assert.Equal((1, 1), (down.Iteration, down.Layer));

        // Iteration 2, the last: it needs the states of iteration 1 from both sides; the layer below's alone is not enough.
        layer.Tell(FromBelow(0, 1), below.Ref);
        Settle(layer);
        AssertNothing(below, "the layer below before iteration 2");
        AssertNothing(coordinator, "the coordinator before iteration 2");
        layer.Tell(FromAbove(0, 1), above.Ref);
        Settle(layer);
        Assert.Equal(1, below.ExpectMsg<Credit>().Layer);
        Assert.Equal(1, above.ExpectMsg<Credit>().Layer);
        // After the last iteration nothing more goes to the neighbours; the layer updates and reports the batch.
        using (var stepped = coordinator.ExpectMsg<LayerStepped>())
        {
            Assert.Equal(At(0), stepped.Stamp);
            Assert.True(double.IsFinite(stepped.Stats.Loss));
        }
        AssertNothing(above, "the layer above after the last iteration");
        AssertNothing(below, "the layer below after the last iteration");

        // The next batch, queued while the first was iterating, starts only now; its bottom-up pass waits for the
        // credit of iteration 1's state that went up.
        layer.Tell(new TrainBatch(At(1), Rows(9), Rows(9)), below.Ref);
        Settle(layer);
        AssertNothing(above, "the layer above, whose window holds iteration 1's state,");
        layer.Tell(new Credit(At(0), 2), above.Ref);
        Settle(layer);
        using (var up = above.ExpectMsg<TrainBatch>()) Assert.Equal(1, up.Stamp.Batch);
        // Its top-down state waits for the credit of the last one that went down.
        AssertNothing(below, "the layer below, whose window holds iteration 1's state,");
        layer.Tell(new Credit(At(0), 0), below.Ref);
        Settle(layer);
        using (var down = below.ExpectMsg<NeighbourState>()) Assert.Equal((1, 0), (down.Stamp.Batch, down.Iteration));
    }

    [Fact]
    public void A_state_that_belongs_to_no_iteration_under_way_is_a_layer_fault()
    {
        var coordinator = CreateTestProbe();
        var settings = new LayerActorSettings(Run, 1, Middle(), 1, CPU, 1, 1, 1, coordinator.Ref, CreateTestProbe().Ref, null, false, null);
        var layer = Sys.ActorOf(LayerActor.Props(settings, RuntimeConfig.PinnedDispatcher));
        Watch(layer);
        // A state of an old generation is dropped quietly; one of this generation with no batch under way stops the layer.
        layer.Tell(new NeighbourState(new Stamp(Run, 0, 0, 0), NeighbourState.Training, 0, 2, Rows(4), Rows(4)));
        Settle(layer);
        layer.Tell(FromAbove(0, 0));
        ExpectTerminated(layer, TimeSpan.FromSeconds(30));
    }
}
