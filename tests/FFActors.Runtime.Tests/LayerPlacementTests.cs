using Akka.TestKit.Xunit2;
using FFActors.Core.Layers;
using FFActors.Runtime.Actors;
using Xunit;

namespace FFActors.Runtime.Tests;

public class LayerPlacementTests() : TestKit(RuntimeConfig.Config)
{
    LayerHostRef Host(string name) => new(CreateTestProbe().Ref, name);

    static string[] Names(LayerPlacement p, int layers) => Enumerable.Range(0, layers).Select(l => p.HostFor(l).NodeName).ToArray();

    [Fact]
    public void Contiguous_placement_keeps_adjacent_layers_together_balanced_by_work_and_hosts_ordered_by_name()
    {
        var work = new ModelOptions([784, 1000, 1000, 1000, 1000]).LayerWork();
        var placement = new LayerPlacement([Host("b"), Host("a")], contiguousWork: work);
        Assert.Equal(["a", "a", "b", "b"], Names(placement, 4));
        Assert.Equal([0, 0, 1, 1], LayerPlacement.Plan(4, 2, work)); // the plan the cluster benchmark counts hops on
        // One heavy first layer: it gets a host of its own.
        var skewed = new LayerPlacement([Host("a"), Host("b")], contiguousWork: [10.0, 1.0, 1.0, 1.0]);
        Assert.Equal(["a", "b", "b", "b"], Names(skewed, 4));
    }

    [Fact]
    public void Round_robin_alternates_and_explicit_follows_the_names()
    {
        Assert.Equal(["a", "b", "a"], Names(new LayerPlacement([Host("b"), Host("a")]), 3));
        Assert.Equal([0, 1, 0], LayerPlacement.Plan(3, 2, null));
        Assert.Equal(["b", "b", "a"], Names(new LayerPlacement([Host("a"), Host("b")], ["b", "b", "a"]), 3));
        Assert.Throws<ArgumentException>(() => new LayerPlacement([Host("a")], ["c"]));
    }

    [Fact]
    public void A_lost_host_makes_the_contiguous_plan_again_over_the_hosts_left()
    {
        var a = Host("a");
        var b = Host("b");
        var placement = new LayerPlacement([a, b], contiguousWork: [1.0, 1.0, 1.0, 1.0]);
        Assert.Equal(["a", "a", "b", "b"], Names(placement, 4));
        Assert.Equal(["a"], placement.Remove(a.Host));
        Assert.Equal(["b", "b", "b", "b"], Names(placement, 4));
    }
}
