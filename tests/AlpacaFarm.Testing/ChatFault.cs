namespace AlpacaFarm.Testing;

/// <summary>A fault the loopback server can inject into one response.</summary>
public enum ChatFault
{
    None,
    /// <summary>429 with retry-after-ms.</summary>
    RateLimited,
    /// <summary>500.</summary>
    ServerError,
    /// <summary>No answer until the server stops: only the client's own timeout ends the attempt.</summary>
    Hang,
    /// <summary>200 with a body that is not JSON.</summary>
    MalformedJson,
    /// <summary>200 with an answer no parser understands.</summary>
    Unparseable,
    /// <summary>200 answering only the first pair of a batch.</summary>
    WrongCount,
}
