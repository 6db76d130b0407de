using System.Collections.Concurrent;
using FFActors.Core.Training;
using Xunit;

namespace FFActors.Runtime.Tests;

/// <summary>γ reaches the right layer for the right batch, in both exchange policies and all modes.</summary>
public class GammaDeliveryTests
{
    public static TheoryData<GammaExchange, CollaborationMode> Cases()
    {
        var d = new TheoryData<GammaExchange, CollaborationMode>();
        foreach (var x in new[] { GammaExchange.Exact, GammaExchange.Stale })
            foreach (var m in new[] { CollaborationMode.All, CollaborationMode.Previous, CollaborationMode.Next })
                d.Add(x, m);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_layer_gets_the_other_layers_goodness_for_its_own_samples(GammaExchange exchange, CollaborationMode mode)
    {
        const double scale = 0.7;
        var config = Mnist.Config(layers: [784, 40, 30, 20], epochs: 2, batch: 60, train: 300,
            collab: new CollaborationOptions(scale, mode, exchange));
        using var data = Mnist.Load(config);
        var steps = new ConcurrentBag<LayerStepTrace>();
        var batches = new ConcurrentBag<BatchTrace>();
        var hooks = new RuntimeHooks { OnLayerStep = steps.Add, OnBatchBuilt = batches.Add };
        var result = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null, CancellationToken.None, hooks);
        result.Network.Dispose();

        int layers = 3;
        var step = steps.ToDictionary(s => (s.Epoch, s.Batch, s.Layer));
        var indices = batches.ToDictionary(b => (b.Epoch, b.Batch), b => b.Indices);
        Assert.Equal(2 * 5 * layers, step.Count);
        Assert.Equal(2 * 5, indices.Count);

        // Goodness of every layer for every dataset index, per epoch, as the layers computed it.
        var goodPos = new Dictionary<(int Epoch, long Index, int Layer), float>();
        var goodNeg = new Dictionary<(int Epoch, long Index, int Layer), float>();
        foreach (var s in step.Values)
        {
            var idx = indices[(s.Epoch, s.Batch)];
            for (int i = 0; i < idx.Length; i++)
            {
                goodPos[(s.Epoch, idx[i], s.Layer)] = s.GoodPositive[i];
                goodNeg[(s.Epoch, idx[i], s.Layer)] = s.GoodNegative[i];
            }
        }

        bool anyNonZero = false;
        foreach (var s in step.Values)
        {
            Assert.NotNull(s.GammaPositive);
            Assert.NotNull(s.GammaNegative);
            var idx = indices[(s.Epoch, s.Batch)];
            Assert.Equal(idx.Length, s.GammaPositive!.Length);
            for (int i = 0; i < idx.Length; i++)
            {
                double expPos = 0, expNeg = 0;
                for (int k = 0; k < layers; k++)
                {
                    if (!Collaboration.Contributes(mode, s.Layer, k)) continue;
                    if (exchange == GammaExchange.Exact)
                    {
                        // The probe of batch t sees every layer before its update on t: the same goodness
                        // the layer computes in its own step on t.
                        expPos += step[(s.Epoch, s.Batch, k)].GoodPositive[i];
                        expNeg += step[(s.Epoch, s.Batch, k)].GoodNegative[i];
                    }
                    else if (s.Epoch > 0)
                    {
                        // The same sample the last time it was seen: the previous epoch.
                        expPos += goodPos[(s.Epoch - 1, idx[i], k)];
                        expNeg += goodNeg[(s.Epoch - 1, idx[i], k)];
                    }
                }
                Assert.Equal(scale * expPos, s.GammaPositive[i], 1e-4 * (1 + Math.Abs(scale * expPos)));
                Assert.Equal(scale * expNeg, s.GammaNegative![i], 1e-4 * (1 + Math.Abs(scale * expNeg)));
                anyNonZero |= s.GammaPositive[i] != 0;
            }
        }
        Assert.True(anyNonZero);
    }
}
