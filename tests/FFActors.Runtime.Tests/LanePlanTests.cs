using FFActors.Core.Layers;
using Xunit;

namespace FFActors.Runtime.Tests;

public class LanePlanTests
{
    [Fact]
    public void Adjacent_layers_share_lanes_so_the_busiest_lane_has_the_least_work()
    {
        Assert.Equal([0, 0, 1, 1], LanePlan.Assign(new ModelOptions([784, 1000, 1000, 1000, 1000]).LayerWork(), 2));
        Assert.Equal([0, 1, 1], LanePlan.Assign([5.0, 1.0, 1.0], 2));
        Assert.Equal([0, 0, 1], LanePlan.Assign([1.0, 1.0, 5.0], 2));
        Assert.Equal([0, 1, 2], LanePlan.Assign([1.0, 1.0, 1.0], 5));
        Assert.Equal([0, 0, 0], LanePlan.Assign([1.0, 1.0, 1.0], 1));
    }
}
