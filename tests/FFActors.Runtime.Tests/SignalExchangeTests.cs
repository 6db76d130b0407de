using Akka.Actor;
using Akka.TestKit.Xunit2;
using FFActors.Runtime.Actors.Coordinator;
using FFActors.Core.Training;
using FFActors.Runtime.Protocol;
using Xunit;
using static TorchSharp.torch;

namespace FFActors.Runtime.Tests;

/// <summary>The signal exchange delivers a published per-sample vector to the subscribers of that batch, and only to them.</summary>
public class SignalExchangeTests() : TestKit(RuntimeConfig.Config)
{
    static SignalKey Key(int batch, string kind = "top-down", int generation = 1) => new("t", generation, 0, batch, kind);

    static Tensor Vector(params float[] values) => tensor(values);

    [Fact]
    public void A_published_vector_reaches_only_the_layers_that_subscribed_for_that_batch()
    {
        var exchange = Sys.ActorOf(SignalExchange.Props(1, RuntimeConfig.PinnedDispatcher));
        var layer1 = CreateTestProbe();
        var layer2 = CreateTestProbe();
        var layer3 = CreateTestProbe();
        exchange.Tell(new SubscribeSignals(Key(5), [2], layer1.Ref));
        exchange.Tell(new SubscribeSignals(Key(5), [2], layer3.Ref));
        exchange.Tell(new SubscribeSignals(Key(6), [2], layer2.Ref));
        exchange.Tell(new PublishSignal(Key(5), 2, Vector(1, 2, 3)));

        using var to1 = layer1.ExpectMsg<SignalsDelivered>();
        using var to3 = layer3.ExpectMsg<SignalsDelivered>();
        layer2.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        foreach (var d in new[] { to1, to3 })
        {
            Assert.Equal(Key(5), d.Key);
            Assert.Equal([2], d.Sources);
            Assert.Equal([1f, 2f, 3f], d.Values.Single().data<float>().ToArray());
        }
        // Each subscriber owns what it got: disposing one copy leaves the other intact.
        to1.Dispose();
        Assert.Equal([1f, 2f, 3f], to3.Values.Single().data<float>().ToArray());

        exchange.Tell(new PublishSignal(Key(6), 2, Vector(7)));
        using var to2 = layer2.ExpectMsg<SignalsDelivered>();
        Assert.Equal([7f], to2.Values.Single().data<float>().ToArray());
        layer1.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_subscription_waits_for_all_its_sources_in_the_order_it_named_them_and_takes_earlier_publications()
    {
        var exchange = Sys.ActorOf(SignalExchange.Props(1, RuntimeConfig.PinnedDispatcher));
        var subscriber = CreateTestProbe();
        exchange.Tell(new PublishSignal(Key(0), 1, Vector(10)));
        exchange.Tell(new SubscribeSignals(Key(0), [0, 1], subscriber.Ref));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        exchange.Tell(new PublishSignal(Key(0), 0, Vector(20)));
        using var d = subscriber.ExpectMsg<SignalsDelivered>();
        Assert.Equal([0, 1], d.Sources);
        Assert.Equal([20f, 10f], d.Values.Select(v => v.data<float>()[0]).ToArray());
    }

    [Fact]
    public void Kinds_and_generations_are_kept_apart_and_a_retired_generation_is_dropped()
    {
        var exchange = Sys.ActorOf(SignalExchange.Props(1, RuntimeConfig.PinnedDispatcher));
        var subscriber = CreateTestProbe();
        exchange.Tell(new SubscribeSignals(Key(3, SignalNames.GoodnessPositive), [0], subscriber.Ref));
        exchange.Tell(new PublishSignal(Key(3, SignalNames.GoodnessNegative), 0, Vector(1)));
        exchange.Tell(new PublishSignal(Key(3, SignalNames.GoodnessPositive, generation: 2), 0, Vector(2)));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        exchange.Tell(new RetireSignals(2));
        exchange.Tell(new PublishSignal(Key(3, SignalNames.GoodnessPositive), 0, Vector(3)));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        exchange.Tell(new SubscribeSignals(Key(3, SignalNames.GoodnessPositive, generation: 2), [0], subscriber.Ref));
        using var d = subscriber.ExpectMsg<SignalsDelivered>();
        Assert.Equal(2, d.Key.Generation);
        Assert.Equal([2f], d.Values.Single().data<float>().ToArray());
    }
}
