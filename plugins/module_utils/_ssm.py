# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SSM Parameter Store calls (a broker's management URL): one AWS call per ``aws_call`` function."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fusion.pos.plugins.module_utils._aws import aws_call


@aws_call("read the parameter", "SSM parameter {0}", missing=("ParameterNotFound",))
def get_parameter(client, name):
    return client.get_parameter(Name=name)["Parameter"]["Value"]


@aws_call("write the parameter", "SSM parameter {0}")
def put_parameter(client, name, value, description):
    client.put_parameter(Name=name, Value=value, Type="String", Overwrite=True, Description=description)
