namespace Shop.Customers;

/// <summary>A customer as the API returns it. <see cref="FirstName"/> and <see cref="LastName"/> are filled only by
/// the version that reads the split columns.</summary>
public sealed record CustomerView(long Id, string Name, string? FirstName, string? LastName, string Email);

/// <summary>A new customer: v1 sends <see cref="FullName"/>; v2 sends <see cref="FirstName"/> and <see cref="LastName"/>.</summary>
public sealed record NewCustomer(string Email, string? FullName = null, string? FirstName = null, string? LastName = null)
{
    /// <summary>The one-string form of the name, whichever way it was sent.</summary>
    public string WholeName => FullName ?? string.Join(' ', new[] { FirstName, LastName }.Where(p => !string.IsNullOrEmpty(p)));
}

/// <summary>An order with the name of the customer who placed it.</summary>
public sealed record OrderView(long Id, long CustomerId, string CustomerName, DateTimeOffset PlacedAt, decimal Total, string Status);
