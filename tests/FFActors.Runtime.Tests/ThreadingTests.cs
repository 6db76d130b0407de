using System.Collections.Concurrent;
using Xunit;
using static TorchSharp.torch;

namespace FFActors.Runtime.Tests;

public class ThreadingTests
{
    [Theory]
    [InlineData(ExecutionMode.Sequential, 0, 1)]
    [InlineData(ExecutionMode.Pipeline, 0, 4)]
    [InlineData(ExecutionMode.Pipeline, 2, 4)]
    [InlineData(ExecutionMode.Pipeline, 0, 2, 2)]
    public void Sequential_runs_every_layer_on_one_thread_and_pipeline_gives_each_lane_its_own(ExecutionMode mode, int threadsPerLayer, int expectedThreads, int lanes = 0)
    {
        var config = Mnist.Config(layers: [784, 20, 20, 20, 20], epochs: 1, train: 200);
        using var data = Mnist.Load(config);
        var seen = new ConcurrentDictionary<int, ConcurrentDictionary<int, int>>();
        var intraOp = new ConcurrentDictionary<int, int>();
        var hooks = new RuntimeHooks
        {
            OnLayerStep = s =>
            {
                seen.GetOrAdd(s.Layer, _ => new())[Environment.CurrentManagedThreadId] = 1;
                intraOp[s.Layer] = get_num_threads();
            },
        };
        int callerBefore = get_num_threads();
        var runtime = new RuntimeOptions(mode, 3, threadsPerLayer, 0, false, lanes);
        PipelineRunner.Train(config, runtime, data, null, false, null, CancellationToken.None, hooks).Network.Dispose();

        Assert.All(seen.Values, threads => Assert.Single(threads));
        Assert.Equal(expectedThreads, seen.Values.SelectMany(t => t.Keys).Distinct().Count());
        // The same count in both modes and with lanes: another count changes the bits of some kernels.
        int expectedIntraOp = threadsPerLayer > 0 ? threadsPerLayer : Math.Max(1, Environment.ProcessorCount / 4);
        Assert.All(intraOp.Values, n => Assert.Equal(expectedIntraOp, n));
        Assert.Equal(callerBefore, get_num_threads());
    }

    [Theory]
    [InlineData(2, 3, 1)]
    [InlineData(2, 1, 2)]
    [InlineData(16, 3, 5)]
    [InlineData(8, 4, 2)]
    public void Layers_compute_with_the_same_intra_op_threads_in_both_modes_and_with_any_lanes(int cores, int layers, int expected)
    {
        Assert.Equal(expected, new RuntimeOptions(ExecutionMode.Sequential).ThreadsFor(layers, cores));
        Assert.Equal(expected, new RuntimeOptions(ExecutionMode.Pipeline).ThreadsFor(layers, cores));
        Assert.Equal(expected, new RuntimeOptions(ExecutionMode.Pipeline, Lanes: 2).ThreadsFor(layers, cores));
        Assert.Equal(3, new RuntimeOptions(ExecutionMode.Sequential, ThreadsPerLayer: 3).ThreadsFor(layers, cores));
    }
}
