using AlpacaFarm.Modeling.Runtime;
using Mediator;

namespace AlpacaFarm.Application.Pipeline;

/// <summary>
/// Second in every request's pipeline: for an <see cref="IUsesCompute"/> request, libtorch's thread count is set once, here,
/// before the handler; everything below only asks <see cref="TorchDevice.Of"/> for the device.
/// </summary>
public sealed class ComputeBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is IUsesCompute uses) TorchDevice.Configure(uses.Compute);
        return next(message, cancellationToken);
    }
}
