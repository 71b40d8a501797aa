namespace Shop.Customers;

/// <summary>The request handlers of the customer endpoints; one implementation per version of the service.</summary>
public interface ICustomerHandlers
{
    /// <summary>Which version of the service this is (1 or 2).</summary>
    int Version { get; }

    Task<CustomerView?> GetCustomerAsync(long id, CancellationToken cancellationToken);

    Task<CustomerView> CreateCustomerAsync(NewCustomer customer, CancellationToken cancellationToken);

    Task<IReadOnlyList<OrderView>> ListOrdersAsync(long customerId, CancellationToken cancellationToken);
}
