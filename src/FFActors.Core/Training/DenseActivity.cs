using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// A learning dense layer's forward (<see cref="DenseStep.Forward"/>), per input (positives first, then negatives): the
/// rows u the matmul read and their scales r (x̂ = r ⊙ u; no scales without input normalisation), the activities h and
/// their goodness g; and, with peer normalisation, the positives' batch-mean activity. The loss's autograd graph starts
/// at g (and the batch mean): <see cref="DenseStep.Backward"/> does the rest. The inputs' r and h are stacked, one
/// input's rows after the other's (each input's h is a view of <paramref name="StackedActivities"/>), so the backward
/// reads them as one batch.
/// </summary>
public sealed record DenseActivity(IReadOnlyList<Tensor> Rows, Tensor? StackedScales, Tensor StackedActivities,
    IReadOnlyList<Tensor> Activities, IReadOnlyList<Tensor> Goodness, Tensor? BatchMean = null);
