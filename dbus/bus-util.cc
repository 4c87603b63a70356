// SPDX-License-Identifier: MIT
#include "bus-util.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tactus {

int nodeList(const std::vector<std::string> &paths, char ***nodes)
{
	char **strv = static_cast<char **>(std::calloc(paths.size() + 1, sizeof(char *)));
	if (!strv)
		return -ENOMEM;
	for (size_t i = 0; i < paths.size(); i++) {
		strv[i] = strdup(paths[i].c_str());
		if (!strv[i]) {
			for (size_t k = 0; k < i; k++)
				std::free(strv[k]);
			std::free(strv);
			return -ENOMEM;
		}
	}
	*nodes = strv;
	return 0;
}

int checkEmitted(int r, const char *what, const std::string &path)
{
	if (r < 0)
		log_warning("Failed to emit %s on %s: %s, ignoring", what, busString(path, 128).c_str(),
			    std::strerror(-r));
	return r;
}

int appendStrv(sd_bus_message *m, const std::vector<std::string> &items)
{
	int r = sd_bus_message_open_container(m, 'a', "s");
	for (const auto &item : items)
		if (r >= 0)
			r = sd_bus_message_append(m, "s", busString(item).c_str());
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

int setBusError(sd_bus_error *error, const Error &e)
{
	const char *name = kErrorFailed;
	switch (-e.errnum) {
	case ENOENT:
	case ENXIO:
	case ESRCH:
	case ENODATA: name = kErrorNotFound; break;
	case EINVAL: name = kErrorInvalidArgument; break;
	case EPERM:
	case EACCES: name = kErrorPermissionDenied; break;
	case EALREADY: name = kErrorNotGrabbed; break;
	default: break;
	}
	return sd_bus_error_set(error, name, busString(e.message, 512).c_str());
}

} // namespace tactus
