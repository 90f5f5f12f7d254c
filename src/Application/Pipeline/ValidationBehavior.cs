using Mediator;

namespace AlpacaFarm.Application.Pipeline;

/// <summary>
/// First in every request's pipeline: an <see cref="IValidated"/> request is checked before its handler runs. Handlers take
/// the services that open the database or load models lazily, so a refused request has touched neither.
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is IValidated validated) validated.Validate();
        return next(message, cancellationToken);
    }
}
