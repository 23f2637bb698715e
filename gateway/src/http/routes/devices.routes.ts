/** Thin route for /v1/devices: parse, call the service, answer. */
import { Router } from 'express';
import { principalOf } from '../../auth/authenticate';
import { DeviceBody } from '../../schemas';
import type { DevicesService } from '../../services/devices.service';
import { parse } from '../validate';

export function devicesRouter(devices: DevicesService): Router {
  const r = Router();
  r.post('/v1/devices', async (req, res) => {
    const body = parse(DeviceBody, req.body);
    const out = await devices.register(principalOf(res), body);
    res.status(out.created ? 201 : 200).json({ ...out.record, created: out.created });
  });
  return r;
}
