// RAII owners for the UCP handles and small helpers for UCX status codes.
#pragma once

#include <ucp/api/ucp.h>

#include <memory>
#include <string>

namespace charm4ts::ucx {

struct ConfigDeleter {
  void operator()(ucp_config_t* config) const { ucp_config_release(config); }
};
struct ContextDeleter {
  void operator()(ucp_context_h context) const { ucp_cleanup(context); }
};
struct WorkerDeleter {
  void operator()(ucp_worker_h worker) const { ucp_worker_destroy(worker); }
};
struct AddressDeleter {
  ucp_worker_h worker;
  void operator()(ucp_address_t* address) const { ucp_worker_release_address(worker, address); }
};

using UcpConfig = std::unique_ptr<ucp_config_t, ConfigDeleter>;
using UcpContext = std::unique_ptr<std::remove_pointer_t<ucp_context_h>, ContextDeleter>;
using UcpWorker = std::unique_ptr<std::remove_pointer_t<ucp_worker_h>, WorkerDeleter>;
using UcpAddress = std::unique_ptr<ucp_address_t, AddressDeleter>;

/** "what: UCX's text for status" */
inline std::string StatusMessage(const char* what, ucs_status_t status) {
  return std::string(what) + ": " + ucs_status_string(status);
}

}  // namespace charm4ts::ucx
