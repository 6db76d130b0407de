using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// A learning dense layer's forward (<see cref="DenseStep.Forward"/>), per input (positives first, then negatives): the
/// linear inputs x̂, the activities h and their goodness g; and, with peer normalisation, the positives' batch-mean
/// activity. The loss's autograd graph starts at g (and the batch mean): <see cref="DenseStep.Backward"/> does the rest.
/// Each input's x̂ and h are views of <paramref name="StackedInputs"/> and <paramref name="StackedActivities"/>: the
/// inputs' rows one after the other, so the weight gradient is one GEMM over all of them.
/// </summary>
public sealed record DenseActivity(Tensor StackedInputs, Tensor StackedActivities, IReadOnlyList<Tensor> Inputs,
    IReadOnlyList<Tensor> Activities, IReadOnlyList<Tensor> Goodness, Tensor? BatchMean = null);
