using AlpacaFarm.Modeling.Runtime;
using AlpacaFarm.Runner.Configuration;
using AlpacaFarm.Runner.Farm;
using Mediator;

namespace AlpacaFarm.Application.Pipeline;

/// <summary>
/// Second in every request's pipeline: an <see cref="IUsesCompute"/> request holds its device's compute lease in the home for
/// the whole handler (a second process waits, saying so), and libtorch's thread count is set once, here, before the handler;
/// everything below only asks <see cref="TorchDevice.Of"/> for the device. The lease comes before any other lock a run takes
/// (run keys, artifact builders), so a process waiting for it holds nothing another needs.
/// </summary>
public sealed class ComputeBehavior<TMessage, TResponse>(AlpacaFarmHome home) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is not IUsesCompute uses) return await next(message, cancellationToken);
        TorchDevice.Configure(uses.Compute);
        using var lease = ComputeLease.Acquire(home.Path, uses.Compute,
            () => uses.Progress?.Report(new TrainingStage(ComputeLease.WaitingMessage(uses.Compute), 0, 0)), cancellationToken);
        return await next(message, cancellationToken);
    }
}
