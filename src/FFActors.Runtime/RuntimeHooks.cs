namespace FFActors.Runtime;

/// <summary>Observation and fault-injection points for tests and the benchmark. Callbacks run on actor threads.</summary>
public sealed class RuntimeHooks
{
    public FaultInjection? Fault { get; init; }

    /// <summary>Called on the layer's thread after every training step (enables goodness copies: slow).</summary>
    public Action<LayerStepTrace>? OnLayerStep { get; init; }

    /// <summary>Called on the coordinator's thread when it builds a training batch.</summary>
    public Action<BatchTrace>? OnBatchBuilt { get; init; }
}
