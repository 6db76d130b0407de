using FFActors.Cli.Configuration;
using FFActors.Cli.Platform;
using FFActors.Core.Layers;
using FFActors.Core.Training;

namespace FFActors.Cli.Tests;

public class NativeHeapTests
{
    sealed class Recording : ITrainingObserver
    {
        public readonly List<string> Calls = [];
        public void PhaseStarted(string title, long samples) => Calls.Add($"phase {title} {samples}");
        public void BatchCompleted(int samples, IReadOnlyList<(int Layer, LayerStepStats Stats)> stats) => Calls.Add($"batch {samples} {stats.Count}");
        public void EpochCompleted(EpochMetrics metrics) => Calls.Add($"epoch {metrics.Epoch}");
    }

    [Fact]
    public void Freed_memory_is_released_on_glibc_and_every_observer_call_still_arrives()
    {
        // The CI and development machines run glibc, which has malloc_trim.
        Assert.True(NativeHeap.Release());
        var inner = new Recording();
        ITrainingObserver observer = new NativeHeap.ReleaseAfterEachEpoch(inner);
        observer.PhaseStarted("epoch 1/1", 600);
        observer.BatchCompleted(50, []);
        observer.EpochCompleted(new EpochMetrics(0, 0, 1.5, 400, [], null));
        Assert.Equal(["phase epoch 1/1 600", "batch 50 0", "epoch 0"], inner.Calls);
    }

    [Fact]
    public void Releasing_freed_memory_is_on_by_default_and_can_be_turned_off()
    {
        Assert.True(new ConfigBinder(ConfigLoader.Load(null, [])).Bind().Run.ReleaseFreedMemory);
        Assert.False(new ConfigBinder(ConfigLoader.Load(null, ["run.release-freed-memory=off"])).Bind().Run.ReleaseFreedMemory);
    }
}
